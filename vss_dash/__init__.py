"""VSS dashboard: data layer, metrics and chart builders for Vietnam Social Security analytics."""
