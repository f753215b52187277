# Sourced after scratch.sh by the EMS measuring scripts (bench-ems.sh, rss-ems.sh): the TLS material
# and the two configs they run `outpost platform` and `outpost ems` with. NAME prefixes the app key,
# key passphrase and admin token (NAME-app-key, NAME-key-pass, NAME-admin-token). Needs WORK,
# PLATFORM_PORT and ADMIN_PORT.

# $WORK/cert.pem and an encrypted $WORK/key.pem for 127.0.0.1 (P-256, two days).
fixture_certificate() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -days 2 -subj /CN=127.0.0.1 \
        -addext subjectAltName=IP:127.0.0.1 -keyout "$WORK/key.pem" -out "$WORK/cert.pem" \
        -passout "pass:$1-key-pass" 2>/dev/null
}

# $WORK/platform.json for NAME.
fixture_platform_config() {
    cat > "$WORK/platform.json" <<JSON
{ "listen": { "host": "127.0.0.1", "port": $PLATFORM_PORT, "resource": "/Thingworx/WS" },
  "app_keys": ["$1-app-key"],
  "admin": { "host": "127.0.0.1", "port": $ADMIN_PORT, "token": "$1-admin-token" },
  "store": { "path": "$WORK/things.json" } }
JSON
}

# $WORK/config.json for NAME, listening with TLS and Basic auth (USER, PASS) on port $2.
fixture_ems_config() {
    cat > "$WORK/config.json" <<JSON
{ "ws_servers": [{ "host": "127.0.0.1", "port": $PLATFORM_PORT }],
  "appKey": "$1-app-key",
  "ws_connection": { "encryption": "none" },
  "http_server": { "host": "127.0.0.1", "port": $2, "ports_to_try": 0, "ssl": true,
    "certificate": "$WORK/cert.pem", "private_key": "$WORK/key.pem", "passphrase": "$1-key-pass",
    "authenticate": true, "user": "$USER", "password": "$PASS", "max_clients": 128 } }
JSON
}
