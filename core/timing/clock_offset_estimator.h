// Estimates the agent's clock offset from ping/pong exchanges (RFC 5905 four-timestamp method).
#pragma once

#include <QtGlobal>

#include <deque>

namespace tandem {

// Each exchange gives offset θ = ((t2 − t1) + (t3 − t4)) / 2 and round-trip delay
// δ = (t4 − t1) − (t3 − t2). Whatever the split of δ between the two directions, the true offset
// lies within θ ± δ/2, so the sample with the smallest δ in a sliding window is the most
// trustworthy one (NTP's clock filter does the same). The estimate is that sample's θ, and its
// uncertainty is that sample's δ/2.
class ClockOffsetEstimator {
public:
    static constexpr int kDefaultWindow = 16;

    explicit ClockOffsetEstimator(int window = kDefaultWindow);

    // t1: client sends the ping, t2: agent receives it, t3: agent sends the pong (agent clock),
    // t4: client receives the pong (client clock). Impossible samples (t4 < t1 or t3 < t2) are
    // logged and ignored; see rejectedCount().
    void addSample(qint64 t1, qint64 t2, qint64 t3, qint64 t4);
    void reset();

    [[nodiscard]] bool hasEstimate() const { return !m_samples.empty(); }
    // Agent clock minus client clock, of the minimum-delay sample in the window (0 without one).
    [[nodiscard]] qint64 offsetNs() const;
    // Half that sample's round-trip delay: the true offset is within offsetNs() ± uncertaintyNs().
    [[nodiscard]] qint64 uncertaintyNs() const;
    [[nodiscard]] qint64 roundTripNs() const;
    // Maps a time stamped by the agent's monotonic clock onto the client's.
    [[nodiscard]] qint64 toClientNs(qint64 agentNs) const { return agentNs - offsetNs(); }
    // Samples currently in the window (at most window()).
    [[nodiscard]] int sampleCount() const { return int(m_samples.size()); }
    [[nodiscard]] int window() const { return m_window; }
    [[nodiscard]] int rejectedCount() const { return m_rejected; }

private:
    struct Sample {
        qint64 offsetNs = 0;
        qint64 delayNs = 0;
    };

    [[nodiscard]] const Sample *best() const;

    int m_window;
    int m_rejected = 0;
    std::deque<Sample> m_samples; // oldest first
};

} // namespace tandem
