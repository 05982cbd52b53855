"""Readiness reports: scores + visit facts -> view model -> jinja2 -> weasyprint PDF; summary sheet.

scoresfile.load_scores(path) -> ScoresFile               (each school parsed once: scoresentry)
visitfiles.visit_files(visit) -> VisitFiles              (the visit's facts: netsurvey.facts)
viewmodel.build_view(entry, scores, visit) -> ReportView (plain, frozen, SI units)
render.ReportRenderer(lang).render_pdf(view, out)        (filters do the human units)
summary.write_summary(rows, out)                         (xlsx and/or csv)
batch.render_many(jobs, workers)                         (process pool)
"""
