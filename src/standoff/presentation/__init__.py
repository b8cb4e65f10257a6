"""Presentation: the terminal briefing, Plotly and Matplotlib figures, the HTML/PDF report."""
