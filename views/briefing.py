"""Presenter's briefing for the quarterly press conference: a deck of slides built from the data,
the slide in the URL, a projector theme and a public mode. The operator's bar (quarter,
audience, export, leave) sits above the slide; presentation mode (?present=1) shows nothing but
the slide, scaled to the screen, and is driven by keys (← → Home End, a digit, Esc) and clicks."""

from vss_dash import briefing, ui
from vss_dash.ui import deck as deck_ui

lang = ui.lang()
fr = ui.frames(lang)
deck_ui.presenter_style()
if ui.print_mode():
    deck_ui.print_style()
elif deck_ui.presenting():
    deck_ui.present_style()
    deck_ui.exit_button(lang)
else:
    deck_ui.stage_style()
quarters = briefing.quarters(fr.periods())
quarter, public = deck_ui.briefing_controls(quarters, lang, fr)
slides = briefing.slides(public)
if ui.print_mode():
    for n, slide in enumerate(slides, start=1):
        deck_ui.draw_slide(fr, slide, n, len(slides), quarter, public, lang)
else:
    deck_ui.slide_deck(fr, slides, quarter, public, lang)
