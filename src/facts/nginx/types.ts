/**
 * Facts about an nginx configuration that the proxy, TLS and static checks look at (types only).
 * Every fact carries the file and line it comes from, so a failed check can point at it.
 */

/** Where a directive is written. */
export interface NginxSource {
  file: string
  line: number
}

/** A single-valued directive (root, alias, expires, proxy_pass, ssl_certificate, ...). */
export interface NginxValue extends NginxSource {
  /** The directive's arguments joined by one space. */
  value: string
  /** True when the value comes from an enclosing level (http, server or parent location). */
  inherited: boolean
}

/** One `listen` directive of a server. */
export interface NginxListen extends NginxSource {
  /** Address part: '*' when only a port is given, '[::]' style for IPv6. Absent for unix sockets. */
  address?: string
  /** Port; 80 when the directive names only an address. Absent for unix sockets. */
  port?: number
  /** Path of a `unix:` socket. */
  unix?: string
  ssl: boolean
  /** `default_server` (or its old spelling `default`). */
  defaultServer: boolean
  http2: boolean
  /** The directive's arguments as written. */
  args: string[]
  /** True for the listen nginx assumes when a server has none (`*:80`); file/line are the server's. */
  implicit?: boolean
}

/** One `add_header NAME VALUE [always]`. */
export interface NginxAddHeader extends NginxSource {
  name: string
  value: string
  /** Without `always`, nginx adds the header only to 2xx/3xx responses. */
  always: boolean
  /** True when inherited from an enclosing level (this level has no add_header of its own). */
  inherited: boolean
}

/** One `proxy_set_header NAME VALUE`. */
export interface NginxProxyHeader extends NginxSource {
  name: string
  value: string
  /** True when inherited from an enclosing level (this level has no proxy_set_header of its own). */
  inherited: boolean
}

/** One `limit_req zone=NAME [burst=N] [nodelay | delay=N]`. */
export interface NginxLimitReq extends NginxSource {
  zone: string
  burst?: number
  nodelay: boolean
  delay?: number
  inherited: boolean
}

/** One http-level `limit_req_zone KEY zone=NAME:SIZE rate=RATE`. */
export interface NginxLimitReqZone extends NginxSource {
  key: string
  zone: string
  size?: string
  /** As written, e.g. '10r/s' or '30r/m'. */
  rate?: string
}

/** A `return CODE [TEXT|URL]` or `return URL`. */
export interface NginxReturn extends NginxSource {
  /** 302 when only a URL is given, as nginx does. */
  code: number
  target?: string
}

/**
 * Effective settings of one location. List-valued settings (add_header, proxy_set_header,
 * limit_req) follow nginx's inheritance rule: a level inherits the enclosing level's entries
 * only when it has none of its own, so a location with its own add_header loses the
 * server-level Strict-Transport-Security header.
 */
export interface NginxLocation extends NginxSource {
  /** '' for a prefix location; '=', '^~', '~', '~*'; '@' for a named location. */
  modifier: '' | '=' | '^~' | '~' | '~*' | '@'
  /** The prefix, exact path or regex (for '@', the name without '@'). */
  path: string
  /** `modifier path` of the enclosing location, for nested locations. */
  parent?: string
  proxyPass?: NginxValue
  /** `uwsgi_pass`: the app is spoken to in the uwsgi protocol. */
  uwsgiPass?: NginxValue
  /** Own alias (alias is not inherited by nested locations). */
  alias?: NginxValue
  root?: NginxValue
  expires?: NginxValue
  return?: NginxReturn
  addHeaders: NginxAddHeader[]
  proxySetHeaders: NginxProxyHeader[]
  limitReq: NginxLimitReq[]
  /** Effective `server_tokens`, `proxy_read_timeout`, `client_max_body_size` (own or inherited; absent: nginx's default). */
  serverTokens?: NginxValue
  proxyReadTimeout?: NginxValue
  /** Effective `uwsgi_read_timeout` (own or inherited), for uwsgi_pass locations. */
  uwsgiReadTimeout?: NginxValue
  clientMaxBodySize?: NginxValue
}

/** Effective settings of one http `server` block. */
export interface NginxServer extends NginxSource {
  listen: NginxListen[]
  /** As written; [''] when the server has no server_name (nginx's default). */
  serverNames: string[]
  /** Own ssl_certificate directives, else the http-level ones (inherited: true). */
  sslCertificates: NginxValue[]
  sslCertificateKeys: NginxValue[]
  root?: NginxValue
  return?: NginxReturn
  addHeaders: NginxAddHeader[]
  proxySetHeaders: NginxProxyHeader[]
  limitReq: NginxLimitReq[]
  /** Effective `server_tokens`, `proxy_read_timeout`, `client_max_body_size` (own or inherited; absent: nginx's default). */
  serverTokens?: NginxValue
  proxyReadTimeout?: NginxValue
  uwsgiReadTimeout?: NginxValue
  clientMaxBodySize?: NginxValue
  /** Effective `ssl_protocols` / `ssl_ciphers` (own or http-level; absent: nginx's defaults). */
  sslProtocols?: NginxValue
  sslCiphers?: NginxValue
  /** Every location, nested ones included, in file order. */
  locations: NginxLocation[]
}

/** One `server ADDRESS [params]` entry of an upstream block. */
export interface NginxUpstreamServer extends NginxSource {
  /** As written, e.g. '127.0.0.1:8000', 'app', 'unix:/run/app.sock'. */
  address: string
  host?: string
  port?: number
  unix?: string
  params: string[]
}

export interface NginxUpstream extends NginxSource {
  name: string
  servers: NginxUpstreamServer[]
}

/** Settings written directly in the http block (or a file conf.d includes at that level). */
export interface NginxHttpFacts {
  /** Every non-block directive at http level, with its arguments. */
  directives: { name: string; args: string[]; file: string; line: number }[]
  sslCertificates: NginxValue[]
  sslCertificateKeys: NginxValue[]
  addHeaders: NginxAddHeader[]
  proxySetHeaders: NginxProxyHeader[]
  limitReq: NginxLimitReq[]
  root?: NginxValue
}

export interface NginxConfigFacts {
  /** Absent when the configuration has no http block. */
  http?: NginxHttpFacts
  servers: NginxServer[]
  upstreams: NginxUpstream[]
  limitReqZones: NginxLimitReqZone[]
}
