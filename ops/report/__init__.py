"""``inv monitor.report``: the health report as sections of tables, in text or HTML.

`build.build` turns one `ops.snapshot.Snapshot` (the same figures `/metrics` serves) into
`section.Section` objects (`server` and `tables` write them); the task prints them as
aligned tables, and `page.render_html` writes them as one self-contained page.
"""
