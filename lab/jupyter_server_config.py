"""What `make lab` prints and shows (the Makefile puts this folder on JUPYTER_CONFIG_PATH): the terminal keeps the
URL to open, with its token, and the errors; the page opens without JupyterLab's news prompt
(labconfig/default_setting_overrides.json: no news, no update check, as a learner offline wants)."""
c = get_config()  # noqa: F821 (Jupyter defines it)

# The server's warnings are per notebook or per kernel and nothing a learner acts on ("not trusted", websocket
# timings), its information a page of start-up lines; the URL with its token is logged as CRITICAL, so it shows.
c.ServerApp.log_level = "ERROR"
c.LabApp.log_level = "WARN"
# Kernels get CurveZMQ keys from the server: their traffic is encrypted, and each no longer warns that it is not.
c.KernelManager.transport_encryption = "auto"
