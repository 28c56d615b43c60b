"""The Dash app: lever panel in, goals, trajectories, paired differences and budget out, in seconds.

Callbacks (each tab of the browser is its own session, held in a memory ``dcc.Store``):

- ``submit``: any lever, year or replication change → the variant is overlaid and validated (problems
  shown as the CLI prints them) → :meth:`Runner.submit <simulate.explore.jobs.Runner.submit>`, which
  supersedes the tab's earlier job → the progress poll starts;
- ``poll``: every 200 ms while a job runs → progress bar and status; when the tab's newest job is
  done, its generation goes to the ``shown`` store;
- ``render``: ``shown``, the open tab or the language changed → the open tab's charts and tables
  (cached per job, tab and language);
- ``texts``: the language changed → every label of the page;
- ``reset``, ``save``, ``download``: back to the base; save as scenario; the briefing zip.

Every asset is served by this process (Dash ``serve_locally``; plotly.js ships with Dash; the page
style is inlined), so opening the page contacts no other host.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from simulate.explore import MAX_REPLICATIONS
from simulate.explore.jobs import Runner
from simulate.explore.labels import ui
from simulate.explore.layout import TABS, index_string, page
from simulate.explore.results import Explorer, Outcome
from simulate.explore.save import briefing_zip, save_scenario
from simulate.explore.variant import build_variant
from simulate.explore.views import options, summary, tab_children, text
from simulate.scenario import ScenarioError

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
MAX_REQUEST_BYTES = 1 << 20
"""Largest request body the server accepts (the page's requests are a few kilobytes)."""


@dataclass
class Settings:
    """How the app was started.

    Attributes:
        scenario_file: the base scenario's file (saved scenarios ``extends:`` it).
        lang: the page's first language.
        reps: replications of base and variant at first (the page may choose up to
            :data:`~simulate.explore.MAX_REPLICATIONS`).
        save_dir: the only folder "save as scenario" writes into.
        images: whether the briefing zip has PNG/SVG charts (needs Chromium).
        host: the address served (loopback unless ``--host`` says otherwise).
    """

    scenario_file: Path
    lang: str = "zh"
    reps: int = 10
    save_dir: Path = Path("scenarios_saved")
    images: bool = False
    host: str = "127.0.0.1"


# -- the app ----------------------------------------------------------------------------------------

def _by_path(items: list[dict]) -> dict:
    return {i["id"]["path"]: i.get("value") for i in items if isinstance(i.get("id"), dict) and "path" in i["id"]}


def create_app(explorer: Explorer, runner: Runner, settings: Settings) -> Dash:
    """The Dash app for one base scenario, its runner and its settings."""
    controls = {c.path: c for c in explorer.controls}
    sc = explorer.loaded.scenario
    title = sc.title_zh if settings.lang == "zh" and sc.title_zh else (sc.title_en or sc.name)
    app = Dash(__name__, title="talentsim explore", update_title=None, serve_locally=True, compress=False,
               assets_folder=str(Path(__file__).with_name("no_assets")), include_assets_files=False)
    app.index_string = index_string(settings.lang)
    app.layout = lambda: page(explorer.controls, title=title, lang=settings.lang, reps=settings.reps)
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    if settings.host in LOOPBACK:
        _guard_host(server)

    value_ids = Input({"type": "lever-value", "kind": ALL, "path": ALL}, "value")
    year_ids = Input({"type": "lever-year", "path": ALL}, "value")

    def variant_of(values: dict, years: dict):
        return build_variant(explorer.loaded, explorer.controls, values, years)

    @app.callback(Output({"type": "t", "key": ALL}, "children"), Output("tab-trajectories", "label"),
                  Output("tab-differences", "label"), Output("tab-goals", "label"), Output("tab-budget", "label"),
                  Output({"type": "lever-value", "kind": "choice", "path": ALL}, "options"),
                  Output({"type": "lever-value", "kind": "ids", "path": ALL}, "options"),
                  Input("lang", "value"))
    def texts(lang):
        lang = lang if lang in ("zh", "en") else settings.lang
        keys = [o["id"]["key"] for o in ctx.outputs_list[0]]
        choice = [options(controls[o["id"]["path"]], lang, sc.region) for o in ctx.outputs_list[5]]
        ids = [options(controls[o["id"]["path"]], lang, sc.region) for o in ctx.outputs_list[6]]
        return ([text(k, lang, controls) for k in keys], ui("trajectories", lang), ui("differences", lang),
                ui("goals", lang), f"{ui('budget', lang)} · {ui('cost', lang)}", choice, ids)

    @app.callback(Output("job", "data"), Output("tick", "disabled"), Output("errors", "children"),
                  value_ids, year_ids, Input("reps", "value"), State("session", "data"), State("lang", "value"))
    def submit(_values, _years, reps, session, lang):
        lang = lang if lang in ("zh", "en") else settings.lang
        if not isinstance(session, str) or not 8 <= len(session) <= 64:
            raise PreventUpdate
        values, years = _by_path(ctx.inputs_list[0]), _by_path(ctx.inputs_list[1])
        problems = []
        if isinstance(reps, bool) or not isinstance(reps, int) or not 1 <= reps <= MAX_REPLICATIONS:
            problems.append(f"{ui('reps', lang)}: expected a whole number 1–{MAX_REPLICATIONS}, got {reps!r}")
        try:
            variant = variant_of(values, years)
        except ScenarioError as exc:
            problems += [p.format() for p in exc.problems]
        if problems:
            return no_update, True, [html.Div(ui("status_invalid", lang)), *[html.Div(p) for p in problems]]
        changed = variant.scenario if variant.changes else None
        job = runner.submit(session, reps, variant, changed)
        return {"generation": job.generation}, False, []

    @app.callback(Output("progress", "value"), Output("progress", "max"), Output("status", "children"),
                  Output("tick", "disabled", allow_duplicate=True), Output("shown", "data"),
                  Input("tick", "n_intervals"), State("session", "data"), State("job", "data"), State("lang", "value"),
                  prevent_initial_call=True)
    def poll(_n, session, job_data, lang):
        lang = lang if lang in ("zh", "en") else settings.lang
        generation = (job_data or {}).get("generation")
        job = runner.job(session, generation) if isinstance(session, str) else None
        if job is None:  # superseded by a newer request of this tab (its own poll takes over), or unknown
            raise PreventUpdate
        done, total = job.progress()
        if job.state == "running":
            return done, max(total, 1), ui("status_running", lang, done=done, total=total), False, no_update
        if job.state == "error":
            return 0, 1, ui("status_error", lang, message=job.error), True, no_update
        if job.state == "done":
            status = ui("status_done", lang, reps=job.reps, seed=runner.seed, seconds=job.seconds)
            return 1, 1, status, True, {"generation": job.generation}
        raise PreventUpdate

    @app.callback(Output("tab-content", "children"), Output("summary", "children"), Output("meta", "children"),
                  Input("shown", "data"), Input("tab", "value"), Input("lang", "value"), State("session", "data"))
    def render(shown, tab, lang, session):
        lang = lang if lang in ("zh", "en") else settings.lang
        job = runner.shown(session) if isinstance(session, str) else None
        if job is None or job.result is None or tab not in TABS:
            raise PreventUpdate
        o: Outcome = job.result
        meta = html.Span(id="generation", **{"data-generation": str(o.generation), "data-lang": lang,
                                             "data-tab": tab, "data-reps": str(o.reps),
                                             "data-seconds": f"{job.seconds:.3f}",
                                             "data-cpu": f"{job.cpu_seconds:.3f}"})
        return tab_children(o, tab, lang, explorer.charts), summary(o, lang), meta

    @app.callback(Output({"type": "lever-value", "kind": ALL, "path": ALL}, "value"),
                  Output({"type": "lever-year", "path": ALL}, "value"), Input("reset", "n_clicks"),
                  prevent_initial_call=True)
    def reset(_n):
        vals = [controls[o["id"]["path"]].initial for o in ctx.outputs_list[0]]
        years = [controls[o["id"]["path"]].initial_year for o in ctx.outputs_list[1]]
        return vals, years

    @app.callback(Output("save-msg", "children"), Input("save", "n_clicks"), State("save-name", "value"),
                  State({"type": "lever-value", "kind": ALL, "path": ALL}, "value"),
                  State({"type": "lever-year", "path": ALL}, "value"), State("lang", "value"),
                  prevent_initial_call=True)
    def save(_n, name, _lever_values, _lever_years, lang):
        lang = lang if lang in ("zh", "en") else settings.lang
        try:
            variant = variant_of(_by_path(ctx.states_list[1]), _by_path(ctx.states_list[2]))
            path, _ = save_scenario(explorer.loaded, settings.scenario_file, variant, name, settings.save_dir)
        except ScenarioError as exc:
            return ui("save_failed", lang, message="; ".join(p.format() for p in exc.problems))
        except (OSError, ValueError) as exc:
            return ui("save_failed", lang, message=str(exc))
        return html.Span(ui("saved", lang, path=str(path)), id="saved-path", **{"data-path": str(path)})

    @app.callback(Output("download-file", "data"), Output("download-msg", "children"),
                  Input("download", "n_clicks"), State("session", "data"), State("lang", "value"),
                  prevent_initial_call=True)
    def download(_n, session, lang):
        lang = lang if lang in ("zh", "en") else settings.lang
        job = runner.job(session) if isinstance(session, str) else None
        if job is None or job.state != "done":
            return no_update, ui("download_wait", lang)
        name, data = briefing_zip(job.result, lang, settings.images)
        return dcc.send_bytes(data, name), ui("download_ready", lang, name=name)

    return app


def _guard_host(server) -> None:
    """Answer only requests addressed to this machine's loopback names (a DNS-rebinding page cannot use the app)."""
    from flask import abort, request

    @server.before_request
    def _loopback_only():
        host = (request.host or "").rsplit(":", 1)[0].strip("[]")
        if host not in LOOPBACK:
            abort(403)


__all__ = ["LOOPBACK", "Settings", "create_app"]
