"""View model -> HTML (jinja2, autoescape, StrictUndefined) -> PDF (weasyprint).

WeasyPrint gets a URL fetcher that serves only ``data:`` URIs and files under the
allowed folders (the templates and the visit directory, after resolving symlinks).
Everything else - http(s), ftp, other local files - is refused and recorded, so a
hostile SSID or sysDescr cannot pull anything into a report.
"""

from __future__ import annotations

import dataclasses
import logging
import mimetypes
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from netsurvey.errors import ReportError
from netsurvey.integrity import IntegrityState
from netsurvey.report import charts
from netsurvey.report.filters import make_filters
from netsurvey.report.heatmaps import heatmaps_in_language
from netsurvey.report.locale import Locale, load_locale, templates_dir
from netsurvey.report.messages import Words
from netsurvey.report.viewmodel import READINESS_BAR_SCORE, ReportView, integrity_view

logger = logging.getLogger(__name__)

REPORT_TEMPLATE = "report.html"


class ConfinedFetcher(URLFetcher):  # type: ignore[misc]
    """Serves ``data:`` URIs and files below ``roots``; refuses anything else.

    ``requested`` and ``refused`` list every URL asked for, for tests and logs.
    """

    def __init__(self, roots: Iterable[Path]) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        self.roots = tuple(Path(r).resolve() for r in roots)
        self.requested: list[str] = []
        self.refused: list[str] = []

    def _allowed(self, path: Path) -> bool:
        return any(path == root or path.is_relative_to(root) for root in self.roots)

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        self.requested.append(url)
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                return self._refuse(url)
            path = Path(unquote(parts.path)).resolve()
            if self._allowed(path) and path.is_file():
                media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    path.as_uri(), path.read_bytes(), {"Content-Type": media_type}
                )
        return self._refuse(url)

    def _refuse(self, url: str) -> URLFetcherResponse:
        self.refused.append(url)
        logger.debug("refused to fetch %s", url[:200])
        raise ValueError(f"fetching {url[:80]!r} is not allowed in reports")


def _dimension_label(locale: Locale, key: str) -> str:
    name = f"dimensions.{key}"
    return locale.t(name) if locale.has(name) else key


def chart_uris(view: ReportView, locale: Locale) -> dict[str, str]:
    no_data = locale.t("common.no_data")
    bars = [charts.Bar(_dimension_label(locale, d.key), d.score) for d in view.dimensions]
    rho_rows = [
        charts.RhoRow(
            f"{s.id} · {_dimension_label(locale, d.key)}", d.rho_p10, d.rho_p50, d.rho_p90
        )
        for s in view.scenarios
        for d in s.dimensions
    ]
    uris = {"scores": charts.data_uri(charts.score_bars(bars, no_data))}
    if rho_rows:
        uris["rho"] = charts.data_uri(
            charts.rho_chart(
                rho_rows,
                locale.t("charts.design_target"),
                no_data,
                cannot_carry_label=locale.t("states.cannot_carry"),
            )
        )
    return uris


def _css_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def stamp_css(locale: Locale, state: str | None) -> str:
    """CSS that prints the integrity stamp in the top margin of every page (the cover
    included) when the evidence is not sealed; empty when it is."""
    if state not in ("altered", "unsealed"):
        return ""
    text = _css_string(locale.t(f"integrity.stamp_{state}"))
    box = (
        f"@top-center {{ content: {text}; font: bold 10pt 'DejaVu Sans', sans-serif; "
        "color: #c62828; border: 1pt solid #c62828; padding: 1mm 3mm; }"
    )
    return f"@page {{ {box} }} @page :first {{ {box} }}"


class ReportRenderer:
    """One jinja environment per language; reusable across many reports."""

    def __init__(self, lang: str, template_root: Path | None = None) -> None:
        self.template_root = (template_root or templates_dir()).resolve()
        if not (self.template_root / REPORT_TEMPLATE).is_file():
            raise ReportError(
                f"{self.template_root}: report templates not found",
                hint="set NETSURVEY_REPORT_TEMPLATES to the report_templates folder",
            )
        self.locale = load_locale(lang, self.template_root)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.template_root),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            lstrip_blocks=True,
        )
        self.env.filters.update(make_filters(self.locale))
        self.env.globals["t"] = self.locale.t
        self.env.globals["has"] = self.locale.has
        words = Words(self.locale)
        self.env.globals["words"] = words
        self.env.globals["coverage_line"] = words.coverage_line
        self.env.globals["benchmark_target"] = words.benchmark_target
        self.env.globals["benchmark_measured"] = words.benchmark_measured

    def render_html(self, view: ReportView, integrity: IntegrityState | None = None) -> str:
        """The report's HTML; ``integrity`` (the check made before rendering) is named in
        the methodology with its altered files, and stamps every page unless sealed."""
        if integrity is not None:
            view = dataclasses.replace(
                view, integrity=integrity_view(integrity, view.provenance.visit_dir)
            )
        state = view.integrity.state if view.integrity is not None else None
        heatmaps = [
            (floor, path.as_uri())
            for floor, path in heatmaps_in_language(view.wifi.heatmaps, self.locale.lang)
        ]
        try:
            return self.env.get_template(REPORT_TEMPLATE).render(
                view=view,
                stamp_css=stamp_css(self.locale, state),
                lang=self.locale.lang,
                charts=chart_uris(view, self.locale),
                heatmaps=heatmaps,
                bar_score=READINESS_BAR_SCORE,
            )
        except jinja2.TemplateError as exc:
            raise ReportError(f"report template error: {exc}") from exc

    def fetcher_for(self, view: ReportView) -> ConfinedFetcher:
        roots = [self.template_root, view.provenance.visit_dir]
        roots += [
            path.parent
            for h in view.wifi.heatmaps
            for path in (h.path, *(variant for _, variant in h.variants))
        ]
        return ConfinedFetcher(roots)

    def render_pdf(
        self,
        view: ReportView,
        out: Path,
        fetcher: ConfinedFetcher | None = None,
        integrity: IntegrityState | None = None,
    ) -> Path:
        """Render to ``out``; ``integrity`` (what the gate found) stamps every page of a
        visit whose evidence is altered or not sealed."""
        html = self.render_html(view, integrity)
        fetcher = fetcher or self.fetcher_for(view)
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".part")
        try:
            HTML(
                string=html, base_url=self.template_root.as_uri() + "/", url_fetcher=fetcher
            ).write_pdf(tmp)
            tmp.replace(out)
        except OSError as exc:
            raise ReportError(f"{out}: cannot write PDF ({exc.strerror})") from exc
        finally:
            tmp.unlink(missing_ok=True)
        if fetcher.refused:
            logger.info(
                "%s: refused %d resource(s) outside the allowed folders", out, len(fetcher.refused)
            )
        return out
