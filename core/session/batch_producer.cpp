#include "batch_producer.h"

#include "common/seeded_random.h"
#include "common/stage.h"
#include "common/thread_priority.h"
#include "preprocess/preprocess_pool.h"
#include "wire_codec.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcPipeline, "tandem.pipeline")

namespace tandem {

namespace {
using protocol::Span;
using protocol::Stage;

quint64 epochSeed(quint64 seed, quint32 epoch)
{
    // Distinct, well-mixed seeds per epoch for the random crops and flips: the (epoch + 1)-th
    // output of SeededRandom's splitmix64 stream, the values this function has always given.
    SeededRandom random(seed);
    quint64 value = 0;
    for (quint32 i = 0; i <= epoch; ++i)
        value = random.next();
    return value;
}

// The pool interleaves read, decode and transform of many samples over several threads, so a
// batch has one wall-clock window for all three. To put them on a timeline without overlapping
// each other, the window is divided in proportion to each stage's busy time.
std::vector<Span> preprocessSpans(const PreparedBatch &b)
{
    const qint64 start = std::min({b.readStartNs, b.decodeStartNs, b.transformStartNs});
    const qint64 end = std::max({b.readEndNs, b.decodeEndNs, b.transformEndNs});
    const double busy = double(b.readBusyNs + b.decodeBusyNs + b.transformBusyNs);
    const double window = double(end - start);
    std::vector<Span> spans;
    qint64 cursor = start;
    const std::pair<Stage, qint64> parts[] = {
        {Stage::Read, b.readBusyNs}, {Stage::Decode, b.decodeBusyNs}, {Stage::Transform, b.transformBusyNs}};
    for (const auto &[stage, busyNs] : parts) {
        const qint64 length = busy > 0 ? qint64(window * double(busyNs) / busy) : 0;
        spans.push_back({stage, cursor, cursor + length});
        cursor += length;
    }
    return spans;
}
} // namespace

BatchProducer::BatchProducer(std::shared_ptr<const EpochPlan> plan, ProducerPlan settings, QObject *parent)
    : QObject(parent), m_plan(std::move(plan)), m_settings(std::move(settings)),
      m_pool(std::make_unique<PreprocessPool>(m_settings.threads)),
      m_queue(size_t(std::max(1, m_settings.queueCapacity)))
{
}

BatchProducer::~BatchProducer()
{
    cancel();
    if (m_thread)
        m_thread->wait();
}

void BatchProducer::start()
{
    m_thread.reset(QThread::create([this] { run(); }));
    m_thread->setObjectName(QStringLiteral("tandem-producer"));
    m_thread->start();
}

void BatchProducer::cancel()
{
    m_cancel = true;
    m_queue.close();
}

void BatchProducer::run()
{
    priority::lowerCurrentThread(); // encodes batches: after the GUI thread (common/thread_priority.h)
    quint64 seq = 0;
    for (int epoch = 0; epoch < m_settings.epochs && !m_cancel; ++epoch) {
        if (!produceSplit(quint32(epoch), SampleSplit::Train, seq))
            return;
        if (m_plan->sampleCount(SampleSplit::Val) > 0 && !produceSplit(quint32(epoch), SampleSplit::Val, seq))
            return;
    }
    ProducedItem done;
    done.kind = ProducedItem::Kind::Finished;
    if (m_queue.push(std::move(done)))
        Q_EMIT itemReady();
}

bool BatchProducer::produceSplit(quint32 epoch, SampleSplit split, quint64 &seq)
{
    const bool train = split == SampleSplit::Train;
    const PreprocessOptions &options = train ? m_settings.train : m_settings.val;
    const auto wireSplit = train ? protocol::Split::Train : protocol::Split::Val;
    quint32 sent = 0;
    for (const std::vector<SampleRef> &refs : m_plan->batches(epoch, split)) {
        if (m_cancel)
            return false;
        PreparedBatch prepared = m_pool->processBatch(refs, options, epochSeed(m_settings.seed, epoch), &m_cancel);
        if (m_cancel)
            return false;
        ProducedItem item;
        item.failures = std::move(prepared.failures);
        item.epoch = epoch;
        item.split = wireSplit;
        item.samples = int(prepared.labels.size());
        if (item.samples == 0) {
            // Every sample failed: nothing to send, but the failures still reach the person.
            item.kind = ProducedItem::Kind::Skipped;
        } else {
            item.spans = preprocessSpans(prepared);
            const qint64 encodeStart = protocol::monotonicNs();
            protocol::Batch batch;
            batch.seq = seq;
            batch.epoch = epoch;
            batch.split = wireSplit;
            batch.channels = quint16(prepared.channels);
            batch.height = quint16(prepared.height);
            batch.width = quint16(prepared.width);
            batch.labels = std::move(prepared.labels);
            batch.contentIds = std::move(prepared.contentIds);
            batch.pixels = std::move(prepared.pixels);
            item.encoded = protocol::encode(batch);
            item.readyNs = protocol::monotonicNs();
            item.spans.push_back({protocol::Stage::Encode, encodeStart, item.readyNs});
            item.seq = seq++;
            ++sent;
        }
        if (!m_queue.push(std::move(item)))
            return false;
        Q_EMIT itemReady();
    }
    ProducedItem end;
    end.kind = ProducedItem::Kind::EpochEnd;
    end.epoch = epoch;
    end.split = wireSplit;
    end.end = {epoch, wireSplit, sent};
    if (!m_queue.push(std::move(end)))
        return false;
    Q_EMIT itemReady();
    return true;
}

} // namespace tandem
