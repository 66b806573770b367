// Small deterministic random generator (splitmix64) for crops, flips, splits and subsets.
#pragma once

#include <QtGlobal>

#include <utility>

namespace tandem {

// The standard library's distributions differ between implementations; these do not, so a seed
// gives the same crops and the same split on every platform and compiler.
class SeededRandom {
public:
    explicit SeededRandom(quint64 seed) : m_state(seed) {}

    // Combines two values into a well-mixed seed: mix(seedBase, sampleIndex), mix(seed, classIndex).
    [[nodiscard]] static quint64 mix(quint64 a, quint64 b) { return finalize(a ^ finalize(b + kGolden)); }

    [[nodiscard]] quint64 next()
    {
        m_state += kGolden;
        return finalize(m_state);
    }

    // Uniform in [0, 1) with 53 random bits.
    [[nodiscard]] double uniform() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }

    [[nodiscard]] double uniform(double low, double high) { return low + (high - low) * uniform(); }

    // Uniform integer in [0, bound), unbiased (rejects the top partial range); bound > 0.
    [[nodiscard]] quint64 below(quint64 bound)
    {
        const quint64 threshold = (0 - bound) % bound; // 2^64 mod bound
        for (;;) {
            const quint64 value = next();
            if (value >= threshold)
                return value % bound;
        }
    }

    [[nodiscard]] bool coin() { return (next() >> 63) != 0; }

    // Fisher–Yates shuffle of any random-access container.
    template <typename Container> void shuffle(Container &items)
    {
        for (size_t i = items.size(); i > 1; --i) {
            const auto j = static_cast<size_t>(below(i));
            std::swap(items[i - 1], items[j]);
        }
    }

private:
    static constexpr quint64 kGolden = 0x9E3779B97F4A7C15ULL;

    [[nodiscard]] static quint64 finalize(quint64 z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }

    quint64 m_state;
};

} // namespace tandem
