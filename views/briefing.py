"""Presenter's briefing for the quarterly press conference: a deck of slides built from the data,
with next/previous (arrow keys too), the slide in the URL, a projector theme and a public mode."""

from vss_dash import briefing, ui

lang = ui.lang()
fr = ui.frames(lang)
ui.presenter_style()
quarters = briefing.quarters(fr.periods())
quarter, public = ui.briefing_controls(quarters, lang)
deck = briefing.slides(public)
if ui.print_mode():
    for n, slide in enumerate(deck, start=1):
        ui.draw_slide(fr, slide, n, len(deck), quarter, public, lang)
else:
    ui.slide_deck(fr, deck, quarter, public, lang)
