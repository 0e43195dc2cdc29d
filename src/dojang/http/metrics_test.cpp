// SPDX-License-Identifier: Apache-2.0
#include "dojang/http/metrics.hpp"

#include <gtest/gtest.h>

namespace dojang::http {
namespace {

using std::chrono::milliseconds;

TEST(Metrics, RendersRequestCountersByRouteAndStatus) {
    Metrics metrics;
    metrics.observe_request("/ocsp/", 200, milliseconds{3});
    metrics.observe_request("/ocsp/", 200, milliseconds{4});
    metrics.observe_request("/ocsp/", 400, milliseconds{1});

    const std::string text = metrics.render();

    EXPECT_NE(text.find("# TYPE dojang_http_requests_total counter\n"), std::string::npos);
    EXPECT_NE(text.find("dojang_http_requests_total{route=\"/ocsp/\",status=\"200\"} 2\n"),
              std::string::npos);
    EXPECT_NE(text.find("dojang_http_requests_total{route=\"/ocsp/\",status=\"400\"} 1\n"),
              std::string::npos);
}

TEST(Metrics, RendersCumulativeHistogramBuckets) {
    Metrics metrics;
    metrics.observe_request("/x", 200, milliseconds{3});
    metrics.observe_request("/x", 200, milliseconds{30});

    const std::string text = metrics.render();

    const std::string name = "dojang_http_request_duration_seconds";
    EXPECT_NE(text.find("# TYPE " + name + " histogram\n"), std::string::npos);
    EXPECT_NE(text.find(name + "_bucket{route=\"/x\",le=\"0.001\"} 0\n"), std::string::npos);
    EXPECT_NE(text.find(name + "_bucket{route=\"/x\",le=\"0.005\"} 1\n"), std::string::npos);
    EXPECT_NE(text.find(name + "_bucket{route=\"/x\",le=\"0.05\"} 2\n"), std::string::npos);
    EXPECT_NE(text.find(name + "_bucket{route=\"/x\",le=\"+Inf\"} 2\n"), std::string::npos);
    EXPECT_NE(text.find(name + "_count{route=\"/x\"} 2\n"), std::string::npos);
}

TEST(Metrics, EscapesLabelValues) {
    Metrics metrics;
    metrics.observe_request("/a\"b\\c", 200, milliseconds{1});

    EXPECT_NE(metrics.render().find(R"(route="/a\"b\\c")"), std::string::npos);
}

TEST(Metrics, RendersRegisteredCountersAndGauges) {
    Metrics metrics;
    Counter& issued = metrics.counter("dojang_certificates_issued_total", "Certificates issued.");
    issued.inc();
    issued.inc(2);
    metrics.gauge("dojang_outbox_pending", "Notifications waiting.").set(7);

    const std::string text = metrics.render();

    EXPECT_EQ(&issued, &metrics.counter("dojang_certificates_issued_total", "ignored"));
    EXPECT_NE(text.find("# TYPE dojang_certificates_issued_total counter\n"
                        "dojang_certificates_issued_total 3\n"),
              std::string::npos);
    EXPECT_NE(text.find("dojang_outbox_pending 7\n"), std::string::npos);
}

TEST(Metrics, CountsRejectionsByClass) {
    Metrics metrics;
    metrics.observe_rejection("issuance");

    EXPECT_EQ(metrics.rejections("issuance"), 1U);
    EXPECT_NE(metrics.render().find("dojang_http_rejected_total{class=\"issuance\"} 1\n"),
              std::string::npos);
}

}  // namespace
}  // namespace dojang::http
