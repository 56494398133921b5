/**
 * The TLS terminator that stands for a cloud load balancer in front of the user's nginx
 * (tls-termination: upstream). It does what AWS's ALB and Google's HTTPS load balancer do to a
 * request: ends TLS, appends the client address to X-Forwarded-For, sets X-Forwarded-Proto
 * https and X-Forwarded-Port 443, keeps the client's Host, and passes every other header on
 * (a forged X-Forwarded-Host reaches nginx as it would in production). Its own traces are kept out
 * of what the checks judge: nginx's Server header passes through, and when nginx closes the
 * connection without an answer (`return 444`) the client's connection is closed too, where a cloud
 * balancer would answer 502 of its own. Plain HTTP is left to the balancer's listener rules, which
 * are not in the repository. Pure.
 */

/** Where the balancer's files go in its container. */
export const BALANCER_SITE = '/etc/nginx/conf.d/default.conf'
export const BALANCER_CERT = '/etc/nginx/flask-deploy-check/balancer.crt'
export const BALANCER_KEY = '/etc/nginx/flask-deploy-check/balancer.key'
export const BALANCER_PORT = 443

/** The balancer's nginx config: one TLS listener forwarding to `upstream` (host:port). */
export function balancerConfig(upstream: string): string {
  return `# flask-deploy-check: a TLS-terminating load balancer in front of the repository's nginx.
server {
    listen ${BALANCER_PORT} ssl default_server;
    server_name _;
    ssl_certificate ${BALANCER_CERT};
    ssl_certificate_key ${BALANCER_KEY};
    ssl_protocols TLSv1.2 TLSv1.3;
    client_max_body_size 0;
    server_tokens off;
    error_page 502 = @closed;
    location @closed {
        return 444;
    }
    location / {
        proxy_pass http://${upstream};
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto https;
        proxy_set_header X-Forwarded-Port ${BALANCER_PORT};
        proxy_pass_header Server;
        proxy_read_timeout 3600s;
        proxy_buffering off;
        proxy_request_buffering off;
    }
}
`
}
