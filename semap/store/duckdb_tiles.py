"""DuckDB's vector-tile statements: one tile (``MVT``), and every tile of a zoom at once (``MVT_BY_TILE``).

Web Mercator by its formula: SeMap's layers are points, and PROJ's ST_Transform cost more per tile than the rest
of the query (3 ms for 56 points). {source} is the layer's table alone, aliased ``t``; :tminx.. is the tile in
EPSG:4326, given by the caller so that both statements select exactly the points of the same boxes.
"""

from __future__ import annotations

MERCATOR_POINT = """ST_Point(ST_X(t.geom) * 20037508.342789244 / 180,
                        ln(tan((90 + ST_Y(t.geom)) * pi() / 360)) * 6378137.0)"""

MVT = f"""
WITH mvtgeom AS (
    SELECT ST_AsMVTGeom({MERCATOR_POINT}, ST_Extent(ST_TileEnvelope(:z, :x, :y)), 4096, 64, true) AS geom, {{columns}}
    FROM {{source}}
    WHERE t.geom IS NOT NULL AND ST_Intersects(t.geom, ST_MakeEnvelope(:tminx, :tminy, :tmaxx, :tmaxy)) AND {{where}}
)
SELECT ST_AsMVT(m, '{{layer}}', 4096, 'geom') FROM mvtgeom m HAVING count(*) > 0
"""

# The tiles of zoom {z} named in {boxes} — ``(x, y, tminx, tminy, tmaxx, tmaxy)`` rows — in one statement: DuckDB
# spends about 0.3 ms on any statement and 2-3 ms on one tile, a few microseconds a tile here. The comparisons
# let DuckDB join points to boxes by range; ST_Intersects is the one-tile statement's own test. {row} names the
# tile's columns as a struct ('geom': geom, 'id': id, ...): the group's x and y are not the tile's attributes.
MVT_BY_TILE = f"""
WITH boxes(x, y, tminx, tminy, tmaxx, tmaxy) AS (VALUES {{boxes}}),
mvtgeom AS (
    SELECT b.x, b.y,
           ST_AsMVTGeom({MERCATOR_POINT}, ST_Extent(ST_TileEnvelope({{z}}, b.x, b.y)), 4096, 64, true) AS geom,
           {{columns}}
    FROM {{source}} JOIN boxes b
      ON ST_X(t.geom) BETWEEN b.tminx AND b.tmaxx AND ST_Y(t.geom) BETWEEN b.tminy AND b.tmaxy
    WHERE t.geom IS NOT NULL AND ST_Intersects(t.geom, ST_MakeEnvelope(b.tminx, b.tminy, b.tmaxx, b.tmaxy))
      AND {{where}}
)
SELECT x, y, ST_AsMVT({{{{{{row}}}}}}, '{{layer}}', 4096, 'geom') FROM mvtgeom GROUP BY x, y
"""
