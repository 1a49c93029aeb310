CREATE TABLE profile (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, handle text NOT NULL, settings jsonb, created_at timestamptz NOT NULL DEFAULT now());
