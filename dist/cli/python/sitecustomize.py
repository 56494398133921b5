"""flask-deploy-check: mounted read-only into the app container and found through PYTHONPATH.

Python imports the first sitecustomize on sys.path at startup, so this one shadows any the image
has (Debian's python ships /usr/lib/python3.X/sitecustomize.py): it runs that one first, as
Python would have, then installs the introspection probe (fdc_probe.py beside this file) when
FDC_PROBE_TOKEN is set. Nothing here may break the app: every error is swallowed and reported
in one line on stderr.
"""


def _fdc_start():
    import os
    import sys

    here = os.path.dirname(os.path.realpath(__file__))

    def ours(entry):
        try:
            return os.path.realpath(entry or os.curdir) == here
        except Exception:
            return False

    # Leave sys.path as the app expects it; children still find us through PYTHONPATH.
    sys.path[:] = [p for p in sys.path if not ours(p)]
    try:
        import importlib.util
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec("sitecustomize", sys.path)
        if spec is not None and spec.loader is not None:
            shadowed = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(shadowed)
            # Code that reads attributes of sitecustomize finds the shadowed module's names.
            for name, value in vars(shadowed).items():
                if not name.startswith("__"):
                    globals().setdefault(name, value)
            globals()["_fdc_shadowed"] = shadowed
    except Exception as e:
        sys.stderr.write("flask-deploy-check: the image's sitecustomize failed: %r\n" % (e,))
    if not os.environ.get("FDC_PROBE_TOKEN"):
        return
    try:
        import importlib.util

        spec = importlib.util.spec_from_file_location(
            "_flask_deploy_check_probe", os.path.join(here, "fdc_probe.py")
        )
        probe = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(probe)
        sys.modules[spec.name] = probe
        probe.install()
    except Exception as e:
        sys.stderr.write("flask-deploy-check: probe not installed: %r\n" % (e,))


_fdc_start()
del _fdc_start
