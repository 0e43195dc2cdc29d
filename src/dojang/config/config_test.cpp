// SPDX-License-Identifier: Apache-2.0
#include "dojang/config/config.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>

namespace dojang::config {
namespace {

const policy::Profile& named(const Config& config, const std::string& name) {
    for (const auto& profile : config.profiles) {
        if (profile.name == name) {
            return profile;
        }
    }
    throw std::runtime_error("no profile " + name);
}

std::string defaults() {
    return render_default("127.0.0.1:8080", "http://127.0.0.1:8080", "rsa2048", "2.25.1234");
}

TEST(Config, TheDefaultFileParses) {
    auto config = parse(defaults(), "dojang.toml");
    ASSERT_TRUE(config.has_value()) << config.error().describe();
    EXPECT_EQ(config->server.listen, "127.0.0.1:8080");
    EXPECT_EQ(config->server.client_rate_issuance, 20U);
    EXPECT_EQ(config->server.client_burst_issuance, 100U);
    EXPECT_EQ(config->server.client_rate_status, 0U);
    EXPECT_EQ(config->crl.validity, std::chrono::days{7});
    EXPECT_EQ(config->ra.codes_valid, std::chrono::days{14});
    EXPECT_EQ(config->ra.confirm_within, std::chrono::minutes{60});
    EXPECT_EQ(config->cmp.renewal_window, std::chrono::days{30});
    ASSERT_EQ(config->profiles.size(), 2U);
    EXPECT_EQ(named(*config, "individual").policy_oid, "2.25.1234.1.1.1");
    EXPECT_EQ(named(*config, "corporate").policy_oid, "2.25.1234.1.1.5");
    EXPECT_EQ(named(*config, "corporate").display_name, "법인 (corporate)");
}

TEST(Config, ReadsTheApplicationLimitsPerClient) {
    auto config = parse(defaults(), "dojang.toml");
    ASSERT_TRUE(config.has_value()) << config.error().describe();
    EXPECT_EQ(config->ra.applications_per_client_hour, 10U);
    EXPECT_EQ(config->ra.applications_per_client_day, 30U);
    EXPECT_EQ(config->ra.document_retention, std::chrono::days{90});
    std::string text = defaults();
    const std::string hour = "applications_per_client_hour = 10";
    text.replace(text.find(hour), hour.size(), "applications_per_client_hour = 250");
    auto raised = parse(text, "dojang.toml");
    ASSERT_TRUE(raised.has_value()) << raised.error().describe();
    EXPECT_EQ(raised->ra.applications_per_client_hour, 250U);
}

TEST(Config, ReportsEveryUnknownKeyAndBadValueAtOnce) {
    auto config = parse(defaults() + "\n[extra]\nx = 1\n", "t.toml");
    ASSERT_FALSE(config.has_value());
    auto bad = parse(
        "[server]\nlisten = \"nope\"\nlisen = \"typo\"\n[ca]\npolicy_arc = \"2.25.1\"\n"
        "[ocsp]\nvalidity_hours = 1\n[crl]\nvalidity_days = \"7\"\n",
        "t.toml");
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().kind, ErrorKind::invalid_request);
    ASSERT_EQ(bad.error().violations.size(), 4U) << bad.error().describe();
    const std::string text = bad.error().describe();
    EXPECT_NE(text.find("server.lisen (line 3): unknown key"), std::string::npos) << text;
    EXPECT_NE(text.find("ocsp.validity_hours"), std::string::npos);
    EXPECT_NE(text.find("crl.validity_days"), std::string::npos);
    EXPECT_NE(text.find("server.listen"), std::string::npos);
}

TEST(Config, ReportsSyntaxErrorsWithTheirPosition) {
    auto config = parse("[server\n", "t.toml");
    ASSERT_FALSE(config.has_value());
    EXPECT_NE(config.error().detail.find("line 1"), std::string::npos) << config.error().detail;
}

TEST(Config, ProfilesOverrideBuiltInValues) {
    auto config = parse(
        defaults() + "\n[profiles.bank]\npolicy_oid = \"1.2.410.200005.1.1.4\"\nallow_ec = true\n",
        "t.toml");
    ASSERT_TRUE(config.has_value()) << config.error().describe();
    ASSERT_EQ(config->profiles.size(), 3U);
    EXPECT_TRUE(named(*config, "bank").allow_ec);
    EXPECT_FALSE(named(*config, "individual").allow_ec);
}

TEST(Config, NotifyChannelsAreCheckedTogether) {
    auto spool = parse(defaults(), "t.toml");
    ASSERT_TRUE(spool.has_value());
    EXPECT_EQ(spool->notify.email, "spool");
    const std::string base = defaults();
    const auto at = base.find("[notify]");
    ASSERT_NE(at, std::string::npos);
    std::string smtp = base;
    smtp.replace(at, 8, "[notify]\nsmtp_url = \"smtp://127.0.0.1:2525\"");
    smtp.replace(smtp.find("email = \"spool\""), 15, "email = \"smtp\"");
    auto parsed = parse(smtp, "t.toml");
    ASSERT_TRUE(parsed.has_value()) << parsed.error().describe();
    EXPECT_EQ(parsed->notify.smtp_url, "smtp://127.0.0.1:2525");
    std::string missing = base;
    missing.replace(missing.find("email = \"spool\""), 15, "email = \"smtp\"");
    missing.replace(missing.find("sms = \"spool\""), 13, "sms = \"pigeon\"");
    auto bad = parse(missing, "t.toml");
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().violations.size(), 2U) << bad.error().describe();
}

TEST(Listen, SplitsHostAndPort) {
    EXPECT_EQ(*split_listen("127.0.0.1:8080"),
              std::make_pair(std::string("127.0.0.1"), std::uint16_t{8080}));
    EXPECT_EQ(split_listen("[::1]:0")->first, "::1");
    EXPECT_FALSE(split_listen("localhost").has_value());
    EXPECT_FALSE(split_listen("a:70000").has_value());
}

TEST(Config, TheRenewalWindowIsBounded) {
    std::string toml = defaults();
    const std::string from = "renewal_window_days = 30";
    toml.replace(toml.find(from), from.size(), "renewal_window_days = 45");
    auto config = parse(toml, "t.toml");
    ASSERT_TRUE(config.has_value()) << config.error().describe();
    EXPECT_EQ(config->cmp.renewal_window, std::chrono::days{45});
    toml.replace(toml.find("renewal_window_days = 45"), from.size(), "renewal_window_days = 0 ");
    auto bad = parse(toml, "t.toml");
    ASSERT_FALSE(bad.has_value());
    EXPECT_NE(bad.error().describe().find("cmp.renewal_window_days"), std::string::npos);
}

TEST(Config, TheDefaultFileStatesTheBuiltInClientLimits) {
    auto config = parse(defaults(), "t.toml");
    ASSERT_TRUE(config.has_value()) << config.error().describe();
    const Server built_in;
    EXPECT_EQ(config->server.client_rate_general, built_in.client_rate_general);
    EXPECT_EQ(config->server.client_burst_general, built_in.client_burst_general);
    EXPECT_EQ(config->server.client_rate_issuance, built_in.client_rate_issuance);
    EXPECT_EQ(config->server.client_burst_issuance, built_in.client_burst_issuance);
    EXPECT_EQ(config->server.client_rate_status, built_in.client_rate_status);
    EXPECT_EQ(config->server.client_burst_status, built_in.client_burst_status);
    EXPECT_EQ(config->server.max_tracked_clients, built_in.max_tracked_clients);
    EXPECT_EQ(config->server.max_queue_delay, built_in.max_queue_delay);
    EXPECT_EQ(config->server.worker_threads, built_in.worker_threads);
    EXPECT_EQ(config->server.io_threads, built_in.io_threads);
    EXPECT_EQ(config->server.idle_timeout, built_in.idle_timeout);
    EXPECT_EQ(config->server.header_timeout, built_in.header_timeout);
    EXPECT_EQ(config->server.max_connections, built_in.max_connections);
    EXPECT_EQ(config->server.max_connections_per_client, built_in.max_connections_per_client);
    EXPECT_EQ(config->server.status_reserve, built_in.status_reserve);
    EXPECT_EQ(config->ocsp.cache_entries, Ocsp{}.cache_entries);
}

TEST(Config, ReadsTheSocketThreads) {
    std::string toml = defaults();
    const std::string from = "io_threads = 2 ";
    toml.replace(toml.find(from), from.size(), "io_threads = 3 ");
    auto config = parse(toml, "t.toml");
    ASSERT_TRUE(config.has_value()) << config.error().describe();
    EXPECT_EQ(config->server.io_threads, 3U);
    toml.replace(toml.find("io_threads = 3 "), from.size(), "io_threads = 0 ");
    auto bad = parse(toml, "t.toml");
    ASSERT_FALSE(bad.has_value());
    EXPECT_NE(bad.error().describe().find("server.io_threads"), std::string::npos);
}

TEST(Config, AClientLimitNeedsABurstOfAtLeastOne) {
    std::string toml = defaults();
    const std::string from = "client_burst_issuance = 100";
    toml.replace(toml.find(from), from.size(), "client_burst_issuance = 0  ");
    auto bad = parse(toml, "t.toml");
    ASSERT_FALSE(bad.has_value());
    EXPECT_NE(bad.error().describe().find("server.client_burst_issuance"), std::string::npos);
}

TEST(PolicyOid, EveryComponentFitsTwentyEightBits) {
    EXPECT_FALSE(policy_oid_problem("1.2.410.200005.1.1.4").has_value());
    EXPECT_FALSE(policy_oid_problem("2.25.268435455").has_value());
    EXPECT_FALSE(policy_oid_problem("2.25.248058101.1.1.1").has_value());
    EXPECT_FALSE(policy_oid_problem("1.39").has_value());
    EXPECT_FALSE(policy_oid_problem("2.268435375").has_value());  // 80 + Y = 2^28 - 1
    // Python cryptography 38 (Debian 12) cannot load a certificate with this policy.
    const auto five_bytes = policy_oid_problem("2.25.1637137279.1.1.1");
    ASSERT_TRUE(five_bytes.has_value());
    EXPECT_NE(five_bytes->find("1637137279"), std::string::npos) << *five_bytes;
    EXPECT_NE(five_bytes->find("2^28-1"), std::string::npos) << *five_bytes;
    EXPECT_NE(five_bytes->find("이하여야 합니다"), std::string::npos) << *five_bytes;
    EXPECT_TRUE(policy_oid_problem("2.25.268435456").has_value());
    EXPECT_TRUE(policy_oid_problem("2.268435376").has_value());
    EXPECT_TRUE(policy_oid_problem("2.25.7986505172694083472197499878601202634").has_value());
}

TEST(PolicyOid, OnlyDottedDecimalWithAValidStart) {
    const std::string bad =
        "|2|2.|2.25.|2..25|.2.25|02.25|2.025|3.1|1.40|2.25.-1|2.25.+1|2.25.1 |"
        "2.25.x|1.2.410.２";
    for (std::size_t start = 0; start <= bad.size();) {
        const std::size_t end = std::min(bad.find('|', start), bad.size());
        const std::string oid = bad.substr(start, end - start);
        EXPECT_TRUE(policy_oid_problem(oid).has_value()) << "'" << oid << "'";
        start = end + 1;
    }
    EXPECT_FALSE(policy_oid_problem("0.0").has_value());
    EXPECT_FALSE(policy_oid_problem("2.25.0.1").has_value());
}

TEST(Config, StartsWithAnArcSomeRelyingPartiesCannotParseAndNamesIt) {
    // An installation made before init refused such arcs: its certificates already carry it,
    // so it still starts, and unportable_policy_oids() says what the log must warn about.
    const std::string arc = "2.25.1637137279";
    auto old = parse(render_default("127.0.0.1:8080", "http://127.0.0.1:8080", "rsa2048", arc),
                     "dojang.toml");
    ASSERT_TRUE(old.has_value()) << old.error().describe();
    const auto warnings = unportable_policy_oids(*old);
    // The arc and the two built-in profiles written under it.
    ASSERT_EQ(warnings.size(), 3U);
    EXPECT_EQ(warnings[0].rfind("ca.policy_arc: ", 0), 0U) << warnings[0];
    EXPECT_NE(warnings[0].find("2^28-1"), std::string::npos) << warnings[0];
    auto fine = parse(
        render_default("127.0.0.1:8080", "http://127.0.0.1:8080", "rsa2048", "2.25.248058101"),
        "dojang.toml");
    ASSERT_TRUE(fine.has_value()) << fine.error().describe();
    EXPECT_TRUE(unportable_policy_oids(*fine).empty());
    EXPECT_EQ(named(*fine, "individual").policy_oid, "2.25.248058101.1.1.1");
}

TEST(Config, RefusesAnArcThatIsNoOidEvenWhenLarge) {
    auto bad = parse(
        render_default("127.0.0.1:8080", "http://127.0.0.1:8080", "rsa2048", "2.25.x1637137279"),
        "dojang.toml");
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().code, "CONFIG_INVALID");
    EXPECT_NE(bad.error().describe().find("ca.policy_arc (line "), std::string::npos)
        << bad.error().describe();
    EXPECT_FALSE(policy_oid_problem("2.25.79865051726940834721974998786012026344", OidRule::syntax)
                     .has_value());
}

TEST(Config, RefusesAProfilePolicyThatIsNotAnOid) {
    auto bad = parse(defaults() + "\n[profiles.bank]\npolicy_oid = \"yessign bank\"\n", "t.toml");
    ASSERT_FALSE(bad.has_value());
    ASSERT_EQ(bad.error().violations.size(), 1U) << bad.error().describe();
    EXPECT_NE(bad.error().violations[0].detail.find("profiles.bank.policy_oid"), std::string::npos)
        << bad.error().describe();
}

}  // namespace
}  // namespace dojang::config
