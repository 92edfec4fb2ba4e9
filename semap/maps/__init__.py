"""Map pages for citizens: Folium (Leaflet) shells whose data layers load from the API by viewport."""
