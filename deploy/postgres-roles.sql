-- Least privilege for the dashboard API on PostgreSQL (run once, as the database owner).
-- The API role can read the storefront's `events` table and create temporary tables
-- (every request's models are temporary); it owns the project's own schema `analytics`
-- for `runner run` materializations. It cannot modify `events` or anything else in public.
CREATE ROLE analytics_api LOGIN;
DO $$ BEGIN
  EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO analytics_api', current_database());
END $$;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;         -- the default since PostgreSQL 15
GRANT USAGE ON SCHEMA public TO analytics_api;
GRANT SELECT ON public.events TO analytics_api;      -- read the source, nothing more
CREATE SCHEMA analytics AUTHORIZATION analytics_api; -- the project's own relations
ALTER ROLE analytics_api SET search_path = analytics, public;
