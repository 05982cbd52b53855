"""Readiness reports: scores + visit -> view model -> jinja2 -> weasyprint PDF; summary sheet.

viewmodel.build_view(entry, visit, ...) -> ReportView   (plain, frozen, SI units)
render.ReportRenderer(lang).render_pdf(view, out)        (filters do the human units)
summary.write_summary(rows, out)                         (xlsx and/or csv)
batch.render_many(jobs, workers)                         (process pool)
"""
