// SPDX-License-Identifier: Apache-2.0
#include "dojang/http/metrics.hpp"

#include <array>
#include <cstdio>
#include <string_view>

namespace dojang::http {
namespace {

constexpr std::string_view requests_name = "dojang_http_requests_total";
constexpr std::string_view duration_name = "dojang_http_request_duration_seconds";
constexpr std::string_view rejected_name = "dojang_http_rejected_total";

/// Label values escape backslash, double quote and newline (exposition format 0.0.4).
std::string escape_label(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

/// HELP text escapes backslash and newline.
std::string escape_help(std::string_view help) {
    std::string out;
    for (const char c : help) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

std::string format_double(double value) {
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%.9g", value);
    return text.data();
}

void header(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += escape_help(help);
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
}

}  // namespace

Metrics::Metrics() {
    in_flight_ =
        &gauge("dojang_http_in_flight_requests", "HTTP requests admitted and not yet answered.");
    connections_ = &gauge("dojang_http_open_connections", "Open HTTP connections.");
}

Counter& Metrics::counter(const std::string& name, const std::string& help) {
    const std::lock_guard lock(mutex_);
    auto& entry = named_[name];
    if (!entry.counter) {
        entry.help = help;
        entry.counter = std::make_unique<Counter>();
    }
    return *entry.counter;
}

Gauge& Metrics::gauge(const std::string& name, const std::string& help) {
    const std::lock_guard lock(mutex_);
    auto& entry = named_[name];
    if (!entry.gauge) {
        entry.help = help;
        entry.gauge = std::make_unique<Gauge>();
    }
    return *entry.gauge;
}

void Metrics::observe_request(const std::string& route,
                              unsigned status,
                              std::chrono::nanoseconds took) {
    const double seconds = std::chrono::duration<double>(took).count();
    const std::lock_guard lock(mutex_);
    ++requests_[{route, status}];
    auto& histogram = durations_[route];
    for (std::size_t i = 0; i < duration_buckets.size(); ++i) {
        if (seconds <= duration_buckets.at(i)) {
            ++histogram.buckets.at(i);
        }
    }
    ++histogram.count;
    histogram.sum += seconds;
}

void Metrics::observe_rejection(const std::string& cls) {
    const std::lock_guard lock(mutex_);
    ++rejections_[cls];
}

std::uint64_t Metrics::requests(const std::string& route, unsigned status) const {
    const std::lock_guard lock(mutex_);
    const auto found = requests_.find({route, status});
    return found == requests_.end() ? 0 : found->second;
}

std::uint64_t Metrics::rejections(const std::string& cls) const {
    const std::lock_guard lock(mutex_);
    const auto found = rejections_.find(cls);
    return found == rejections_.end() ? 0 : found->second;
}

std::string Metrics::render() const {
    const std::lock_guard lock(mutex_);
    std::string out;
    header(out, requests_name, "HTTP requests answered, by route pattern and status.", "counter");
    for (const auto& [key, count] : requests_) {
        out += requests_name;
        out += "{route=\"" + escape_label(key.first) + "\",status=\"" + std::to_string(key.second) +
               "\"} " + std::to_string(count) + '\n';
    }
    header(out,
           duration_name,
           "Time from complete request to response, by route pattern.",
           "histogram");
    for (const auto& [route, histogram] : durations_) {
        const std::string label = "route=\"" + escape_label(route) + "\"";
        for (std::size_t i = 0; i < duration_buckets.size(); ++i) {
            out += std::string(duration_name) + "_bucket{" + label + ",le=\"" +
                   format_double(duration_buckets.at(i)) + "\"} " +
                   std::to_string(histogram.buckets.at(i)) + '\n';
        }
        out += std::string(duration_name) + "_bucket{" + label + ",le=\"+Inf\"} " +
               std::to_string(histogram.count) + '\n';
        out += std::string(duration_name) + "_sum{" + label + "} " + format_double(histogram.sum) +
               '\n';
        out += std::string(duration_name) + "_count{" + label + "} " +
               std::to_string(histogram.count) + '\n';
    }
    header(out, rejected_name, "Requests and connections refused for lack of capacity.", "counter");
    for (const auto& [cls, count] : rejections_) {
        out += std::string(rejected_name) + "{class=\"" + escape_label(cls) + "\"} " +
               std::to_string(count) + '\n';
    }
    for (const auto& [name, entry] : named_) {
        if (entry.counter) {
            header(out, name, entry.help, "counter");
            out += name + ' ' + std::to_string(entry.counter->value()) + '\n';
        }
        if (entry.gauge) {
            header(out, name, entry.help, "gauge");
            out += name + ' ' + std::to_string(entry.gauge->value()) + '\n';
        }
    }
    return out;
}

}  // namespace dojang::http
