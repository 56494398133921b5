/**
 * The reference proxy: the deployment chapter's nginx example, used when the repository has no
 * nginx config. It adds nothing the example does not have; in particular no
 * Strict-Transport-Security header, so tls.hsts reports what the app itself sends (e.g.
 * Flask-Talisman) rather than what the reference would paper over.
 */

/** Where the reference serves /static/ from, as in the example. */
export const REFERENCE_STATIC_ALIAS = '/srv/myapp/app/static/'

/**
 * The reference site for conf.d: `listen 443 ssl`, the public server name, /static/ served by
 * nginx with a 30-day lifetime, everything else proxied to the app container with Host,
 * X-Forwarded-For and X-Forwarded-Proto. Like the example it names no certificate: the stage
 * supplies one at http level.
 */
export function referenceConfig(serverName: string, appHost: string, appPort: number): string {
  return `# flask-deploy-check reference proxy: the deployment chapter's example.
server {
    listen 443 ssl;
    server_name ${serverName};

    location /static/ {
        alias ${REFERENCE_STATIC_ALIAS};
        expires 30d;
    }

    location / {
        proxy_pass http://${appHost}:${appPort};
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
    }
}
`
}
