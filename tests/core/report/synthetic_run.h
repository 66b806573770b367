// A simulated Tandem run for report tests and benchmarks: a pipelined client, a link and an agent.
#pragma once

#include "timing/run_record.h"

#include <QJsonArray>
#include <QRandomGenerator>

#include <algorithm>
#include <cmath>
#include <deque>

namespace tandem::testing {

// Deterministic for a given seed. Times are simulated, in the client's clock; the agent's spans
// are stamped on an agent clock `agentOffsetNs` ahead and mapped back with a slightly wrong offset
// (off by `offsetErrorNs`, within `uncertaintyNs`), as a real session does.
class SyntheticRun {
public:
    struct Params {
        int batches = 240;
        int batchSize = 64;
        int epochs = 2;
        int valBatchesPerEpoch = 10;
        int workers = 2;       // client preprocessing threads
        int credits = 4;       // in-flight window
        double decodeMs = 5.0; // per batch, per worker
        double forwardMs = 6.0;
        double backwardMs = 9.5;
        double linkMBps = 120.0; // upload bandwidth
        double linkLatencyMs = 0.8;
        qint64 wireBytes = 50'240;
        quint32 seed = 7;
        QString title = QStringLiteral("Fashion-MNIST · small CNN · local agent");
    };

    static RunRecord make(const Params &params)
    {
        constexpr qint64 kMs = 1'000'000;
        constexpr qint64 kOrigin = 3'600LL * 1'000'000'000; // the client clock one hour after boot
        constexpr qint64 kOffsetErrorNs = 31'000;
        QRandomGenerator random(params.seed);
        auto jitter = [&random](double ms, double spread = 0.15) {
            const double factor = 1.0 + spread * (random.generateDouble() * 2.0 - 1.0);
            return qint64(ms * factor * 1e6);
        };

        RunRecord record;
        record.title = params.title;
        record.startedAt = QDateTime(QDate(2026, 3, 14), QTime(9, 26, 53), Qt::OffsetFromUTC, 3600);
        record.settings = QJsonObject{
            {QStringLiteral("dataset"), QJsonObject{{QStringLiteral("name"), QStringLiteral("Fashion-MNIST (sample)")},
                                                    {QStringLiteral("images"), params.batches * params.batchSize},
                                                    {QStringLiteral("classes"), 10}}},
            {QStringLiteral("preprocessing"), QJsonObject{{QStringLiteral("size"), QStringLiteral("28 × 28")},
                                                          {QStringLiteral("workers"), params.workers}}},
            {QStringLiteral("session"), QJsonObject{{QStringLiteral("model"), QStringLiteral("cnn")},
                                                    {QStringLiteral("batchSize"), params.batchSize},
                                                    {QStringLiteral("epochs"), params.epochs},
                                                    {QStringLiteral("optimizer"), QStringLiteral("sgd")},
                                                    {QStringLiteral("learningRate"), 0.05},
                                                    {QStringLiteral("credits"), params.credits}}},
            {QStringLiteral("agent"), QJsonObject{{QStringLiteral("device"), QStringLiteral("cpu")},
                                                  {QStringLiteral("torch"), QStringLiteral("1.13.1")}}},
        };
        record.wallStartNs = kOrigin;
        record.clockOffsetNs = 5'123'456'789;
        record.clockUncertaintyNs = 85'000;

        std::vector<qint64> workerFree(size_t(std::max(1, params.workers)), kOrigin + kMs);
        std::deque<qint64> creditReturns;                     // client times when in-flight batches' metrics arrived
        std::vector<qint64> creditGranted;                    // per batch: when it got its credit
        const int prefetch = std::max(1, params.workers) + 2; // bounded queue before the socket
        qint64 socketFree = kOrigin;
        qint64 linkFree = kOrigin;
        qint64 agentInputFree = kOrigin;
        qint64 deviceFree = kOrigin;
        const int perEpoch = std::max(1, params.batches / std::max(1, params.epochs));
        float loss = 2.30F;
        quint64 seq = 0;
        for (int i = 0; i < params.batches; ++i) {
            const quint32 epoch = quint32(i / perEpoch);
            const int inEpoch = i % perEpoch;
            const bool val = inEpoch >= perEpoch - params.valBatchesPerEpoch;
            BatchRecord batch;
            batch.seq = seq++;
            batch.epoch = epoch;
            batch.split = val ? protocol::Split::Val : protocol::Split::Train;
            batch.samples = params.batchSize;
            batch.wireBytes = params.wireBytes;
            auto add = [&batch](protocol::Stage stage, qint64 start, qint64 end) {
                batch.spans.push_back(protocol::Span{stage, start, end});
                return end;
            };
            auto worker = std::min_element(workerFree.begin(), workerFree.end());
            qint64 t = *worker;
            if (i >= prefetch) // the encoded-batch queue is full until an older batch is sent
                t = std::max(t, creditGranted[size_t(i - prefetch)]);
            t = add(protocol::Stage::Read, t, t + jitter(0.35));
            t = add(protocol::Stage::Decode, t, t + jitter(params.decodeMs));
            t = add(protocol::Stage::Transform, t, t + jitter(1.2));
            t = add(protocol::Stage::Encode, t, t + jitter(0.5));
            *worker = t;
            qint64 creditAt = t;
            if (int(creditReturns.size()) >= params.credits) {
                creditAt = std::max(t, creditReturns.front());
                creditReturns.pop_front();
            }
            t = add(protocol::Stage::CreditWait, t, creditAt);
            creditGranted.push_back(creditAt);
            t = std::max(t, socketFree);
            t = socketFree = add(protocol::Stage::Send, t, t + jitter(0.25));
            const qint64 netStart = std::max(t, linkFree);
            const qint64 transfer = qint64(double(params.wireBytes) / (params.linkMBps * 1e6) * 1e9);
            linkFree = netStart + transfer;
            t = add(protocol::Stage::Network, t, netStart + transfer + jitter(params.linkLatencyMs, 0.3));

            // Agent side, stamped on the agent's clock, then mapped with a slightly wrong offset.
            const qint64 toAgent = record.clockOffsetNs;
            const qint64 toClient = -(record.clockOffsetNs + kOffsetErrorNs);
            std::vector<protocol::Span> agent;
            qint64 a = std::max(t, agentInputFree) + toAgent;
            auto agentSpan = [&agent](protocol::Stage stage, qint64 start, qint64 end) {
                agent.push_back(protocol::Span{stage, start, end});
                return end;
            };
            a = agentSpan(protocol::Stage::Receive, a, a + jitter(0.15));
            a = agentSpan(protocol::Stage::Unpack, a, a + jitter(0.6));
            agentInputFree = a - toAgent;
            const qint64 deviceAt = std::max(a, deviceFree + toAgent);
            a = agentSpan(protocol::Stage::QueueWait, a, deviceAt);
            a = agentSpan(protocol::Stage::HostToDevice, a, a + jitter(0.4));
            a = agentSpan(protocol::Stage::Forward, a,
                          a + jitter(val ? params.forwardMs * 0.9 : params.forwardMs, 0.1));
            if (!val) {
                a = agentSpan(protocol::Stage::Backward, a, a + jitter(params.backwardMs, 0.1));
                a = agentSpan(protocol::Stage::OptimizerStep, a, a + jitter(1.1));
            }
            deviceFree = a - toAgent;
            for (protocol::Span span : agent) {
                span.startNs += toClient;
                span.endNs += toClient;
                batch.spans.push_back(span);
            }
            const qint64 metricsSent = a + toClient;
            const qint64 metricsArrived =
                add(protocol::Stage::MetricsReturn, metricsSent, metricsSent + jitter(params.linkLatencyMs, 0.3));
            creditReturns.push_back(metricsArrived);
            record.wallEndNs = std::max(record.wallEndNs, metricsArrived);

            if (!val) {
                loss = std::max(0.25F, loss * (0.985F + float(random.generateDouble()) * 0.01F) +
                                           float(random.generateDouble() - 0.5) * 0.08F);
                StepPoint step;
                step.seq = batch.seq;
                step.epoch = epoch;
                step.loss = loss;
                step.learningRate = 0.05F;
                step.samplesPerSecond = 4000.F;
                step.clientNs = metricsArrived;
                record.steps.push_back(step);
            }
            record.batches.push_back(std::move(batch));
            if (inEpoch == perEpoch - 1) {
                const int trainBatches = perEpoch - params.valBatchesPerEpoch;
                record.epochs.push_back(EpochPoint{epoch, protocol::Split::Train, loss * 1.05F,
                                                   0.70F + 0.06F * float(epoch),
                                                   quint32(trainBatches * params.batchSize)});
                record.epochs.push_back(EpochPoint{epoch, protocol::Split::Val, loss * 1.12F,
                                                   0.68F + 0.05F * float(epoch),
                                                   quint32(params.valBatchesPerEpoch * params.batchSize)});
            }
        }
        record.wallEndNs += kMs / 2;
        return record;
    }
};

} // namespace tandem::testing
