"""The baseline page of the benchmarks: Streamlit with one small Plotly chart and nothing else."""

import plotly.graph_objects as go
import streamlit as st

st.title("Baseline")
st.plotly_chart(go.Figure(go.Scatter(x=list(range(24)), y=[i % 7 for i in range(24)])))
