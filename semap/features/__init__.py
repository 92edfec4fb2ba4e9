"""Feature queries shared by the API, exports and map: one filter grammar, GeoJSON and vector tiles from SQL."""
