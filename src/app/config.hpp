#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace vp::app {

/// Settings of one node. Precedence: command-line flags, then VANPHONG_* environment
/// variables, then the optional config file (--config), then these defaults.
struct Config {
    std::string data_dir = "./data";
    std::string database;  ///< URL; empty = sqlite:<data_dir>/vanphong.db
    std::string address = "127.0.0.1";
    int port = 8080;
    int io_threads = 2;
    int workers = 8;
    int db_pool = 0;              ///< 0 = engine default
    int max_password_hashes = 2;  ///< argon2id runs at once (~64 MiB each)
    std::string tls_cert;
    std::string tls_key;
    std::string smtp_url;
    std::string smtp_from = "vanphong@localhost";
    std::string smtp_user;
    std::string smtp_password;
    std::string static_dir;  ///< extra files served under /static/ (benchmarks, branding)
    std::string node_id;     ///< default: host name + pid
    std::string public_url = "http://127.0.0.1:8080";
    int site_cache_mb = 64;  ///< the public site's page cache; 0 turns it off (benchmarks, debugging)
    std::size_t sitemap_max_urls = 40000;  ///< addresses per sitemap (tests lower it)
    bool access_log = true;
    int request_timeout_s = 15;                       ///< a whole request must arrive within this (slow clients)
    int keep_alive_timeout_s = 60;                    ///< an idle keep-alive connection is closed after this
    std::string trusted_proxies;                      ///< reverse proxies whose X-Forwarded-For is believed
    std::string metrics_allow = "127.0.0.1/32, ::1";  ///< client networks that may read /metrics
    std::string metrics_token;                        ///< or a bearer token that may (empty: none)
    double rate_limit = 50;                           ///< requests per second per client address (0: off)
    double rate_burst = 200;                          ///< requests above the rate allowed in a burst
    std::size_t body_limit = 2 << 20;                 ///< largest accepted request body, bytes
    std::int64_t event_log_keep = 10000;              ///< live events kept for replay (Last-Event-ID) …
    int event_log_hours = 24;                         ///< … and for at most this many hours
    bool demo = false;                                ///< create the demo accounts on first start (--demo, `make run`)
    bool demo_corpus = true;                          ///< with demo: the public site's stories (--no-demo-corpus skips them)
    bool jobs = true;                                 ///< run background jobs on this node
    int max_jobs = 2;                                 ///< jobs this node runs at once (worker threads)
    std::string log_level = "info";
    /// 32-byte key that encrypts secrets at rest (TOTP); default <data_dir>/secret.key, created
    /// on first start. Every node of one database needs the same file.
    std::string secret_key_file;
    /// Folder of PEM certificates (*.pem, *.crt, *.cer) that signatures embedded in PDF files must
    /// chain to (docs/signatures.md); empty: none, or the TEST ONLY demo CA with --demo.
    std::string trust_anchors;
    /// Uploaded files, stored by their SHA-256 (media/sha256/ab/cd/<hex>); default <data_dir>/media.
    /// Every node of one database needs the same folder (a shared file system).
    std::string media_dir;
    /// Upload size limits per kind in MiB, "image=20,audio=100,video=256,document=50" (docs/media.md);
    /// empty: those defaults.
    std::string media_limits;
    /// Tasks reminders (T-13): "due soon" this many working hours before a clock's due time, and
    /// escalation to the unit's heads this many working hours after it; the status's margin (T-4):
    /// percentage points approved progress may trail the elapsed share of time.
    int tasks_remind_before_hours = 16;
    int tasks_escalate_after_hours = 8;
    int tasks_lag_margin = 20;
    /// The half-yearly conferences (online-conference regulation, Art. 5): the months and the day
    /// on which the next periodic one is proposed, "6,12@15".
    std::string conference_schedule = "6,12@15";

    std::string MediaDir() const { return media_dir.empty() ? data_dir + "/media" : media_dir; }
    std::string DatabaseUrl() const { return database.empty() ? "sqlite:" + data_dir + "/vanphong.db" : database; }
};

}  // namespace vp::app
