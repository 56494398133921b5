/**
 * Faithful stand-ins for files a deployed nginx includes but the proxy image may lack: Debian's
 * /etc/nginx/proxy_params and snippets/, and what `certbot --nginx` leaves under /etc/letsencrypt/
 * (options-ssl-nginx.conf, ssl-dhparams.pem; the live/NAME/ certificates are filled by the
 * certificate paths of the plan). Contents are the real files' (Debian bookworm's nginx package,
 * certbot-nginx's options file, RFC 7919's ffdhe2048 which is certbot's ssl-dhparams.pem). Pure.
 */

export interface StandIn {
  /** Absolute path in the proxy container. */
  target: string
  /** Where the content comes from, for the report. */
  origin: string
  /** File content; 'cert' / 'key' mean the throw-away certificate or key. */
  content: string | 'cert' | 'key'
}

// Debian bookworm's /etc/nginx/proxy_params (the current package sets Host $host, not $http_host).
const PROXY_PARAMS = `proxy_set_header Host $host;
proxy_set_header X-Real-IP $remote_addr;
proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
proxy_set_header X-Forwarded-Proto $scheme;
`

const FASTCGI_PHP = `fastcgi_split_path_info ^(.+?\\.php)(/.*)$;
try_files $fastcgi_script_name =404;
set $path_info $fastcgi_path_info;
fastcgi_param PATH_INFO $path_info;
fastcgi_index index.php;
include fastcgi.conf;
`

const SNAKEOIL = `ssl_certificate /etc/ssl/certs/ssl-cert-snakeoil.pem;
ssl_certificate_key /etc/ssl/private/ssl-cert-snakeoil.key;
`

const OPTIONS_SSL_NGINX = `ssl_session_cache shared:le_nginx_SSL:10m;
ssl_session_timeout 1440m;
ssl_session_tickets off;

ssl_protocols TLSv1.2 TLSv1.3;
ssl_prefer_server_ciphers off;

ssl_ciphers "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384";
`

// RFC 7919 ffdhe2048, as \`openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048\` prints it.
const FFDHE2048 = `-----BEGIN DH PARAMETERS-----
MIIBCAKCAQEA//////////+t+FRYortKmq/cViAnPTzx2LnFg84tNpWp4TZBFGQz
+8yTnc4kmz75fS/jY2MMddj2gbICrsRhetPfHtXV/WVhJDP1H18GbtCFY2VVPe0a
87VXE15/V8k1mE8McODmi3fipona8+/och3xWKE2rec1MKzKT0g6eXq8CrGCsyT7
YdEIqUuyyOP7uWrat2DX9GgdT0Kj3jlN9K5W7edjcrsZCwenyO4KbXCeAvzhzffi
7MA0BM0oNC9hkXL+nOmFg/+OTxIy7vKBg8P+OxtMb61zO7X8vC7CIAXFjvGDfRaD
ssbzSibBsu/6iGtCOGEoXJf//////////wIBAg==
-----END DH PARAMETERS-----
`

const DEBIAN = "Debian's nginx package"
const CERTBOT = "certbot's"

/** Every stand-in the action knows, by in-container path. */
const KNOWN: StandIn[] = [
  { target: '/etc/nginx/proxy_params', origin: DEBIAN, content: PROXY_PARAMS },
  { target: '/etc/nginx/snippets/fastcgi-php.conf', origin: DEBIAN, content: FASTCGI_PHP },
  { target: '/etc/nginx/snippets/snakeoil.conf', origin: DEBIAN, content: SNAKEOIL },
  {
    target: '/etc/ssl/certs/ssl-cert-snakeoil.pem',
    origin: 'ssl-cert (snakeoil)',
    content: 'cert',
  },
  {
    target: '/etc/ssl/private/ssl-cert-snakeoil.key',
    origin: 'ssl-cert (snakeoil)',
    content: 'key',
  },
  {
    target: '/etc/letsencrypt/options-ssl-nginx.conf',
    origin: CERTBOT,
    content: OPTIONS_SSL_NGINX,
  },
  {
    target: '/etc/letsencrypt/ssl-dhparams.pem',
    origin: `${CERTBOT} (RFC 7919 ffdhe2048)`,
    content: FFDHE2048,
  },
]

/** The stand-in for one in-container path, if the action has one. */
export function standInFor(target: string): StandIn | undefined {
  return KNOWN.find((s) => s.target === target)
}

/** The stand-ins an included snippet needs in turn (snakeoil.conf names the snakeoil pair). */
export function standInsOf(s: StandIn): StandIn[] {
  if (s.target !== '/etc/nginx/snippets/snakeoil.conf') return [s]
  return [s, ...KNOWN.filter((k) => k.origin.startsWith('ssl-cert'))]
}

/** `have` with the stand-ins for `targets` it lacks (the files the action's own edits include). */
export function withStandIns(have: readonly StandIn[], targets: readonly string[]): StandIn[] {
  const out = [...have]
  for (const t of targets) {
    const s = standInFor(t)
    if (s && !out.some((x) => x.target === t)) out.push(s)
  }
  return out
}
