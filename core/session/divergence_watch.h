// Notices a training loss that has diverged: NaN, infinite, or ten times the first loss.
#pragma once

#include <QString>

namespace tandem {

// Fed each training step's loss in order; says once, in words, when the run has diverged, so the
// session can pause it before more time goes into a model that will not recover. Ten times the
// first loss is far outside what a learning run reaches (cross-entropy starts near ln(classes) and
// falls); a learning rate off by orders of magnitude gets there within a few steps.
class DivergenceWatch {
public:
    static constexpr double kFactor = 10.0;

    void reset();
    // Empty while the loss looks sane; else why the run diverged ("the loss became NaN at step 12").
    // After the first report it stays quiet until reset() or acknowledge().
    [[nodiscard]] QString add(double loss, qint64 step);
    // The user chose to go on: watch again, against the loss that diverged as the new reference.
    void acknowledge();
    [[nodiscard]] bool hasReported() const { return m_reported; }

private:
    double m_first = 0.0;
    double m_last = 0.0;
    bool m_haveFirst = false;
    bool m_reported = false;
};

} // namespace tandem
