/// config.json files in the shapes EMS 5.4 shipped (`config.json.complete`, `config.json.minimal`),
/// written for these tests (no key or host from the real bundle). They must load unchanged.
enum EMS54Fixtures {
    /// Every group and key of the 5.4 reference, the way `config.json.complete` lays them out.
    static let complete = #"""
    {
        "ws_servers": [
            { "host": "platform.example.test", "port": 80 }
        ],
        "resource": "/Thingworx/WS",
        "appKey": "00000000-1111-2222-3333-444444444444",
        "logger": {
            "level": "INFO",
            "publish_directory": "/opt/thingworx/logs",
            "publish_level": "INFO",
            "max_file_storage": 2000000,
            "auto_flush": true,
            "flush_chunk_size": 16384,
            "buffer_size": 4096,
            "audit_target": "file:///opt/thingworx/audit.log"
        },
        "http_server": {
            "host": "localhost",
            "port": 8000,
            "ports_to_try": 10,
            "ssl": false,
            "certificate": "",
            "private_key": "",
            "passphrase": "",
            "use_default_certificate": false,
            "authenticate": false,
            "user": "admin",
            "password": "admin",
            "content_read_timeout": 20000,
            "max_clients": 15
        },
        "fips": { "enabled": false },
        "ws_connection": {
            "encryption": "none",
            "verbose": false,
            "binary_mode": true,
            "msg_timeout": 5000,
            "ping_rate": 55000,
            "pingpong_timeout": 10000,
            "connect_period": 60000,
            "duty_cycle": 100,
            "message_idle_time": 50,
            "max_msg_size": 1048576,
            "message_chunk_size": 8192,
            "max_frame_size": 8192,
            "max_messages": 500,
            "connect_on_demand": false,
            "connect_timeout": 10000,
            "connect_retry_interval": 10000,
            "max_threads": 4,
            "max_connect_delay": 0,
            "socket_read_timeout": 100,
            "frame_read_timeout": 10000,
            "ssl_read_timeout": 500,
            "connect_retries": -1
        },
        "proxy": {
            "host": "proxy.example.test",
            "port": 3128,
            "user": "proxyuser",
            "password": "proxypassword"
        },
        "offline_msg_store": {
            "enabled": true,
            "directory": "/opt/thingworx",
            "max_size": 65535
        },
        "certificates": {
            "validate": false,
            "allow_self_signed": true,
            "cert_chain": [ "/opt/thingworx/ca.pem", "/opt/thingworx/intermediate.pem" ],
            "client_cert": "/opt/thingworx/client.pem",
            "key_file": "/opt/thingworx/client.key.p8",
            "key_passphrase": "changeme",
            "validation_criteria": {
                "Cert_Common_Name": "platform.example.test",
                "Cert_Organization": "Example",
                "Cert_Organizational_Name": "Ops",
                "CA_Cert_Common_Name": "Example CA",
                "CA_Cert_Organization": "Example",
                "CA_Cert_Organizational_Name": "PKI"
            }
        },
        "auto_bind": [
            { "name": "EdgeGateway", "gateway": true },
            {
                "name": "Pump01",
                "host": "127.0.0.1",
                "port": 8001,
                "path": "/scripts/Thingworx",
                "timeout": 30000,
                "protocol": "https",
                "user": "luauser",
                "password": "luapassword",
                "accept": "application/json",
                "gateway": false
            }
        ],
        "tunnel": {
            "tick_resolution": 5,
            "buffer_size": 8192,
            "read_timeout": 10,
            "idle_timeout": 300000,
            "max_concurrent": 4
        },
        "file": {
            "buffer_size": 8192,
            "max_file_size": 8000000000,
            "virtual_dirs": [
                { "tw": "/opt/thingworx" },
                { "logs": "/var/log" }
            ],
            "idle_timeout": 12000,
            "staging_dir": "/opt/thingworx/tw_staging"
        }
    }
    """#

    /// The handful of keys `config.json.minimal` sets.
    static let minimal = #"""
    {
        "ws_servers": [ { "host": "platform.example.test", "port": 443 } ],
        "appKey": "00000000-1111-2222-3333-444444444444",
        "http_server": { "ssl": true, "use_default_certificate": true, "authenticate": false },
        "certificates": { "validate": false, "allow_self_signed": true },
        "logger": { "level": "WARN" }
    }
    """#

    /// A secure file in the spirit of spec §2.12, with sealed secrets.
    static let secure = #"""
    {
      "ws_servers": [ { "host": "twx.example.com", "port": 443 } ],
      "appKey": "enc:v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      "http_server": { "host": "127.0.0.1", "port": 8000, "ssl": true,
                       "certificate": "/etc/ems/https.pem", "private_key": "/etc/ems/https.key.p8",
                       "passphrase": "enc:v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "authenticate": true,
                       "user": "emsuser", "password": "enc:v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
      "certificates": { "validate": true, "allow_self_signed": false,
                        "cert_chain": [ "/etc/ems/platform-ca.pem" ],
                        "client_cert": "/etc/ems/device.pem", "key_file": "/etc/ems/device.key.p8",
                        "key_passphrase": "enc:v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
      "logger": { "level": "INFO" },
      "auto_bind": [ { "name": "Pump01", "host": "127.0.0.1", "port": 8001, "protocol": "https",
                       "path": "/scripts/Thingworx", "user": "luauser", "password": "enc:v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" } ]
    }
    """#
}
