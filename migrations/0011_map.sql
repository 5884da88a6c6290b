-- Version 11: the plot's geometry (挂图作战 on the real map).
--
-- One record per parcel of a household, per utility pole and for the plot's boundary,
-- written through the operation log like any other record, so it travels with sync. Its id
-- is derived from the project, the layer and the record it belongs to: two laptops that
-- import the same survey file edit the same record. Coordinates are CGCS2000
-- longitude/latitude in integer nanodegrees (src/map/geometry.rs).

CREATE TABLE map_features (
    id           TEXT PRIMARY KEY,
    project_id   TEXT NOT NULL REFERENCES projects (id),
    layer        TEXT NOT NULL,                 -- parcels | poles | boundary
    household_id TEXT REFERENCES households (id),
    pole_id      TEXT REFERENCES poles (id),
    key_value    TEXT NOT NULL DEFAULT '',      -- the file's attribute the record was matched by
    geometry     TEXT NOT NULL,                 -- {"type":"MultiPolygon"|"Point","coordinates":...}
    area         INTEGER NOT NULL DEFAULT 0,    -- 0.01 m² (parcels, boundary)
    source       TEXT NOT NULL DEFAULT '',      -- file name and the coordinate system it came in
    imported_on  TEXT
);
CREATE INDEX map_features_project ON map_features (project_id, layer);
