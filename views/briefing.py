"""Presenter's briefing for the quarterly press conference: a deck of slides built from the data,
the slide in the URL, a projector theme and a public mode. The operator's bar (quarter,
audience, export, leave) sits above the slide; presentation mode (?present=1) shows nothing but
the slide, scaled to the screen, and is driven by keys (← → Home End, a digit, Esc) and clicks."""

from vss_dash import briefing
from vss_dash.ui import briefing_page, briefing_slides, briefing_style, queries, state

lang = state.lang()
fr = queries.frames(lang)
briefing_style.presenter_style()
if state.print_mode():
    briefing_style.print_style()
elif briefing_page.presenting():
    briefing_style.present_style()
    briefing_page.exit_button(lang)
else:
    briefing_style.stage_style()
quarters = briefing.quarters(fr.periods())
quarter, public = briefing_page.briefing_controls(quarters, lang, fr)
deck = briefing_page.deck_data(fr, quarter.key, public, lang)
if state.print_mode():
    for slide in deck.slides:
        briefing_slides.draw_slide(fr, slide, lang)
else:
    briefing_slides.slide_deck(fr, deck, lang)
state.flush()  # the URL as this run left it, in one history entry
