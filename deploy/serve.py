"""Run the dashboard scaled out on one machine: N Streamlit replicas on loopback ports behind nginx.

    uv run --locked python deploy/serve.py [--replicas 2] [--port 8080] [--host 0.0.0.0]
                                           [--run-dir DIR] [--data-dir DIR] [--store S]

The command only: the launcher is vss_harness/serve.py, which the load test, the deploy test and
the cold-bytes benchmark import as well.
"""

from vss_harness.serve import main

if __name__ == "__main__":
    main()
