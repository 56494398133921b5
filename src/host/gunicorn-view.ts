/**
 * Gunicorn's own reading of its settings for the unit's command: the venv's Python loads them
 * with gunicorn.app.wsgiapp (command line, GUNICORN_CMD_ARGS, gunicorn.conf.py or --config,
 * in Gunicorn's order) and prints the result as JSON. No regex reads a Gunicorn setting.
 */
import { run } from '../exec'
import type { GunicornView } from '../facts/systemd'

const SCRIPT = String.raw`
import ast, json, os, sys
from gunicorn.app.wsgiapp import WSGIApplication
from gunicorn import config as gconfig

argv = json.loads(sys.argv[1])
class Reader(WSGIApplication):
    def load(self):
        return None
sys.argv = ["gunicorn"] + argv
app = Reader("%(prog)s [OPTIONS] [APP_MODULE]", prog="gunicorn")
cfg = app.cfg
parser = cfg.parser()
cli = parser.parse_args(argv)
env_words = cfg.get_cmd_args_from_env()
env = parser.parse_args(env_words) if env_words else None
config_file = cli.config or (env.config if env else None) or gconfig.get_default_config_file()
default_bind = gconfig.Bind().default
if cli.bind:
    source = "ExecStart"
elif env is not None and env.bind and list(cfg.bind) == list(env.bind):
    source = "GUNICORN_CMD_ARGS"
elif config_file and list(cfg.bind) != list(default_bind):
    source = "config"
else:
    source = "default"
bind_line = None
if config_file and source == "config":
    try:
        tree = ast.parse(open(config_file).read())
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "bind" for t in node.targets):
                bind_line = node.lineno
                break
    except Exception:
        pass
print(json.dumps({
    "bind": list(cfg.bind), "bindSource": source,
    "configFile": os.path.abspath(config_file) if config_file else None, "bindLine": bind_line,
    "timeout": cfg.timeout, "workers": cfg.workers,
    "accesslog": cfg.accesslog, "errorlog": cfg.errorlog,
}))
`

/**
 * Gunicorn's settings for `args` (the words after the program), read in the checkout with the
 * unit's environment; `toRepo` names a config file by its repository path. Undefined with the
 * reason when Gunicorn could not load them.
 */
export async function gunicornView(
  python: string,
  args: string[],
  o: { cwd: string; env: Record<string, string>; toRepo: (file: string) => string },
): Promise<GunicornView | { error: string }> {
  const res = await run(python, ['-c', SCRIPT, JSON.stringify(args)], {
    timeoutMs: 30_000,
    env: o.env,
    cwd: o.cwd,
  })
  if (res.exitCode !== 0) {
    const last = res.stderr.trim().split('\n').pop() ?? ''
    return { error: `gunicorn could not read its settings: ${last}` }
  }
  const v = JSON.parse(res.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>
  const view: GunicornView = {
    bind: (v.bind as string[]) ?? [],
    bindSource: String(v.bindSource),
    timeout: Number(v.timeout),
    workers: Number(v.workers),
  }
  if (typeof v.configFile === 'string') view.configFile = o.toRepo(v.configFile)
  if (view.bindSource === 'config') view.bindSource = view.configFile ?? 'config'
  if (typeof v.bindLine === 'number') view.bindLine = v.bindLine
  if (typeof v.accesslog === 'string') view.accesslog = v.accesslog
  if (typeof v.errorlog === 'string') view.errorlog = v.errorlog
  return view
}
