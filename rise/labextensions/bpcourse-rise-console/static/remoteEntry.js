// jupyterlab-rise 0.43's slideshow page (/rise/<notebook>) is an application of its own that does not
// share @jupyterlab/console, and the ipywidgets manager (jupyterlab_widgets 3.0.11 and later) imports it
// for one optional token, IConsoleTracker: without it the manager fails to load there and no widget
// renders in the slideshow (jupyterlab-contrib/rise issues #119 and #126). This federated extension
// shares a @jupyterlab/console holding just that token; no plugin provides it, so the manager runs
// without consoles, of which the slideshow has none. A page that shares @jupyterlab/console (JupyterLab
// itself) is left alone.
(function () {
  const name = "bpcourse-rise-console";
  window._JUPYTERLAB = window._JUPYTERLAB || {};
  window._JUPYTERLAB[name] = {
    init(scope) {
      if (scope["@jupyterlab/console"]) {
        return;
      }
      const coreutils = Object.values(scope["@lumino/coreutils"])[0];
      const get = () => coreutils.get().then((factory) => {
        const exports = { IConsoleTracker: new (factory().Token)("@jupyterlab/console:IConsoleTracker") };
        return () => exports;
      });
      scope["@jupyterlab/console"] = { "0.0.0": { from: name, eager: false, get } };
    },
    get(module) {
      return Promise.reject(new Error(`${name} provides no module ${module}`));
    },
  };
})();
