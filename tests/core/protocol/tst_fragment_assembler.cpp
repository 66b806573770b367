// Tests of core/protocol/fragment_assembler: reassembly, interleaving and every way a stream can be malformed.
#include "fragment_assembler.h"
#include "wire_codec.h"

#include <QRandomGenerator>
#include <QTest>

using namespace tandem::protocol;

namespace {

// A sequence of pushes for a data column (the wrapper's metatype belongs to this test alone).
struct Pushes {
    std::vector<Fragment> fragments;
};

Fragment part(quint32 stream, quint32 index, quint32 count, quint64 total, int chunkBytes)
{
    return Fragment{stream, index, count, total, QByteArray(chunkBytes, char('a' + index % 26))};
}

QByteArray pattern(qsizetype size, quint32 seed)
{
    QByteArray bytes(size, Qt::Uninitialized);
    QRandomGenerator generator(seed);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char(generator.bounded(256));
    return bytes;
}

// The fragments splitFrames makes for an encoded message, decoded back into structs.
std::vector<Fragment> fragmentsOf(const QByteArray &encoded, const Limits &limits, quint32 stream)
{
    std::vector<Fragment> out;
    for (const QByteArray &frame : splitFrames(encoded, limits, stream)) {
        DecodeResult result = decode(frame, limits);
        if (result.ok() && std::holds_alternative<Fragment>(*result.message))
            out.push_back(std::get<Fragment>(*result.message));
    }
    return out;
}

Limits smallFrames(qint64 maxFrameBytes)
{
    Limits limits;
    limits.maxFrameBytes = maxFrameBytes;
    return limits;
}

} // namespace

Q_DECLARE_METATYPE(Pushes)

class TestFragmentAssembler : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void inOrder_data();
    void inOrder();
    void interleavedStreams();
    void streamIdReusedAfterCompletion();
    void completedStreamsFreeTheirSlot();
    void clearDropsEverything();
    void rejects_data();
    void rejects();
};

void TestFragmentAssembler::inOrder_data()
{
    QTest::addColumn<int>("messageBytes");
    QTest::addColumn<int>("maxFrameBytes");
    QTest::addColumn<int>("expectedParts");

    // A fragment carries maxFrameBytes - 36 bytes.
    QTest::newRow("two parts") << 101 << 100 << 2;
    QTest::newRow("exact multiple") << 3 * 64 << 100 << 3;
    QTest::newRow("last part one byte") << 3 * 64 + 1 << 100 << 4;
    QTest::newRow("many parts") << 50'000 << 1000 << 52;
}

void TestFragmentAssembler::inOrder()
{
    QFETCH(int, messageBytes);
    QFETCH(int, maxFrameBytes);
    QFETCH(int, expectedParts);

    const Limits limits = smallFrames(maxFrameBytes);
    const QByteArray message = pattern(messageBytes, 3);
    const std::vector<Fragment> parts = fragmentsOf(message, limits, 11);
    QCOMPARE(int(parts.size()), expectedParts);

    FragmentAssembler assembler(limits);
    qint64 buffered = 0;
    for (size_t i = 0; i < parts.size(); ++i) {
        FragmentAssembler::Result result = assembler.push(parts[i]);
        QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
        buffered += parts[i].chunk.size();
        if (i + 1 < parts.size()) {
            QVERIFY2(!result.complete, qPrintable(QStringLiteral("complete after part %1").arg(i)));
            QCOMPARE(assembler.bufferedBytes(), buffered);
        } else {
            QVERIFY(result.complete);
            QCOMPARE(*result.complete, message);
        }
    }
    QCOMPARE(assembler.bufferedBytes(), qint64(0));
}

void TestFragmentAssembler::interleavedStreams()
{
    const Limits limits = smallFrames(200);
    const QByteArray a = pattern(1000, 1);
    const QByteArray b = pattern(700, 2);
    const QByteArray c = pattern(300, 3);
    const std::vector<Fragment> partsA = fragmentsOf(a, limits, 1);
    const std::vector<Fragment> partsB = fragmentsOf(b, limits, 2);
    const std::vector<Fragment> partsC = fragmentsOf(c, limits, 3);
    QCOMPARE(int(partsA.size()), 7);
    QCOMPARE(int(partsB.size()), 5);
    QCOMPARE(int(partsC.size()), 2);

    FragmentAssembler assembler(limits);
    std::map<quint32, QByteArray> complete;
    for (size_t round = 0; round < partsA.size(); ++round) {
        for (const auto *parts : {&partsA, &partsB, &partsC}) {
            if (round >= parts->size())
                continue;
            FragmentAssembler::Result result = assembler.push((*parts)[round]);
            QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
            if (result.complete) {
                const quint32 stream = (*parts)[round].streamId;
                QVERIFY2(!complete.count(stream), "a stream completed twice");
                QCOMPARE(round + 1, parts->size()); // only with its last part
                complete[stream] = *result.complete;
            }
        }
    }
    QCOMPARE(int(complete.size()), 3);
    QCOMPARE(complete[1], a);
    QCOMPARE(complete[2], b);
    QCOMPARE(complete[3], c);
    QCOMPARE(assembler.bufferedBytes(), qint64(0));
}

void TestFragmentAssembler::streamIdReusedAfterCompletion()
{
    const Limits limits = smallFrames(100);
    FragmentAssembler assembler(limits);
    for (quint32 seed : {5U, 6U}) {
        const QByteArray message = pattern(150, seed);
        std::optional<QByteArray> complete;
        for (const Fragment &fragment : fragmentsOf(message, limits, 42)) {
            FragmentAssembler::Result result = assembler.push(fragment);
            QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
            complete = result.complete;
        }
        QVERIFY(complete);
        QCOMPARE(*complete, message);
    }
}

void TestFragmentAssembler::completedStreamsFreeTheirSlot()
{
    Limits limits;
    limits.maxOpenStreams = 2;
    FragmentAssembler assembler(limits);
    QVERIFY(assembler.push(part(1, 0, 2, 4, 2)).error.isEmpty());
    QVERIFY(assembler.push(part(2, 0, 2, 4, 2)).error.isEmpty());
    QCOMPARE(assembler.push(part(3, 0, 2, 4, 2)).error, QStringLiteral("more than 2 fragmented messages open at once"));
    QVERIFY(assembler.push(part(1, 1, 2, 4, 2)).complete);
    const FragmentAssembler::Result third = assembler.push(part(3, 0, 2, 4, 2));
    QVERIFY2(third.error.isEmpty(), qPrintable(third.error));
    QCOMPARE(assembler.bufferedBytes(), qint64(4));
}

void TestFragmentAssembler::clearDropsEverything()
{
    FragmentAssembler assembler;
    QVERIFY(assembler.push(part(1, 0, 3, 30, 10)).error.isEmpty());
    QVERIFY(assembler.push(part(2, 0, 3, 30, 10)).error.isEmpty());
    QCOMPARE(assembler.bufferedBytes(), qint64(20));
    assembler.clear();
    QCOMPARE(assembler.bufferedBytes(), qint64(0));
    QCOMPARE(assembler.push(part(1, 1, 3, 30, 10)).error,
             QStringLiteral("fragment 1 of stream 1 arrived without its first part"));
}

void TestFragmentAssembler::rejects_data()
{
    QTest::addColumn<Pushes>("pushes");
    QTest::addColumn<QString>("error");        // expected from the last push; all earlier ones succeed
    QTest::addColumn<qint64>("bufferedAfter"); // the malformed stream is dropped, others are kept

    QTest::newRow("missing first part") << Pushes{{part(1, 1, 3, 30, 10)}}
                                        << "fragment 1 of stream 1 arrived without its first part" << qint64(0);
    QTest::newRow("part skipped") << Pushes{{part(7, 0, 3, 30, 10), part(7, 2, 3, 30, 10)}}
                                  << "fragment 2/3 of stream 7 does not follow part 1/3" << qint64(0);
    QTest::newRow("part repeated") << Pushes{{part(7, 0, 3, 30, 10), part(7, 0, 3, 30, 10)}}
                                   << "fragment 0/3 of stream 7 does not follow part 1/3" << qint64(0);
    QTest::newRow("count changes") << Pushes{{part(7, 0, 3, 30, 10), part(7, 1, 4, 30, 10)}}
                                   << "fragment 1/4 of stream 7 does not follow part 1/3" << qint64(0);
    QTest::newRow("total changes") << Pushes{{part(7, 0, 3, 30, 10), part(7, 1, 3, 31, 10)}}
                                   << "fragment 1/3 of stream 7 announces 31 bytes, its first part announced 30"
                                   << qint64(0);
    QTest::newRow("more than announced") << Pushes{{part(7, 0, 2, 10, 6), part(7, 1, 2, 10, 6)}}
                                         << "stream 7 carries more than its announced 10 bytes" << qint64(0);
    QTest::newRow("first part more than announced")
        << Pushes{{part(7, 0, 2, 4, 6)}} << "stream 7 carries more than its announced 4 bytes" << qint64(0);
    QTest::newRow("fewer than announced")
        << Pushes{{part(7, 0, 2, 10, 4), part(7, 1, 2, 10, 4)}} << "stream 7 ended with 8 of its 10 bytes" << qint64(0);
    QTest::newRow("bad stream leaves others intact")
        << Pushes{{part(1, 0, 2, 20, 10), part(7, 0, 3, 30, 10), part(7, 2, 3, 30, 10)}}
        << "fragment 2/3 of stream 7 does not follow part 1/3" << qint64(10);
    QTest::newRow("too many open streams") << Pushes{{part(1, 0, 2, 8, 4), part(2, 0, 2, 8, 4), part(3, 0, 2, 8, 4),
                                                      part(4, 0, 2, 8, 4), part(5, 0, 2, 8, 4)}}
                                           << "more than 4 fragmented messages open at once" << qint64(16);
    QTest::newRow("total over the reassembly limit")
        << Pushes{{part(1, 0, 2, quint64(Limits{}.maxReassemblyBytes) + 1, 4)}}
        << QStringLiteral("fragmented message of %1 bytes exceeds the limit of %2")
               .arg(Limits{}.maxReassemblyBytes + 1)
               .arg(Limits{}.maxReassemblyBytes)
        << qint64(0);
}

void TestFragmentAssembler::rejects()
{
    QFETCH(Pushes, pushes);
    QFETCH(QString, error);
    QFETCH(qint64, bufferedAfter);

    FragmentAssembler assembler;
    for (size_t i = 0; i + 1 < pushes.fragments.size(); ++i) {
        const FragmentAssembler::Result result = assembler.push(pushes.fragments[i]);
        QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
        QVERIFY(!result.complete);
    }
    const Fragment last = pushes.fragments.back();
    const FragmentAssembler::Result result = assembler.push(last);
    QVERIFY(!result.complete);
    QCOMPARE(result.error, error);
    QCOMPARE(assembler.bufferedBytes(), bufferedAfter);

    // A dropped stream is gone: its next part counts as one without a first part.
    const FragmentAssembler::Result after =
        assembler.push(part(last.streamId, last.index + 1, last.count, last.totalBytes, 1));
    QCOMPARE(after.error, QStringLiteral("fragment %1 of stream %2 arrived without its first part")
                              .arg(last.index + 1)
                              .arg(last.streamId));
}

QTEST_GUILESS_MAIN(TestFragmentAssembler)
#include "tst_fragment_assembler.moc"
