"""What runs the dashboard from outside, shared by tests/, bench/ and deploy/: the browser harness
(a real server, Debian's Chromium, waits for idle and drawn pages), the scaled-out deployment
(nginx in front of Streamlit replicas), process figures, and builders of provincial report files.

A package of its own, not part of vss_dash: it starts servers and browsers, and the app's layers
(tests/test_layers.py) never import it. It is in the wheel beside vss_dash so that the editable
install makes it importable everywhere without path edits.
"""
