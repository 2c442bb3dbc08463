#pragma once

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <functional>
#include <memory>

QT_BEGIN_NAMESPACE
class QIODevice;
QT_END_NAMESPACE

namespace Loopscope {

//! The bytes of a JSON document, from memory or from a device read in chunks, inflated on the
//! way when they are gzip (they start with gzip's magic bytes; a plain file passes unchanged), so
//! that a parser never holds more than a chunk of the file. It is RapidJSON's input stream
//! (Peek, Take, Tell): after the last byte Peek() is '\0' forever.
//!
//! What went wrong reading (a device error, bad or cut-short gzip data, a cancel) ends the input
//! early and is kept in error() (one line) / cancelled(): check them before blaming the JSON.
//! Progress: after each chunk, the callback (if set) gets the bytes of the source consumed and
//! the source's size (0 if unknown), e.g. the compressed bytes of a .gz file; returning false
//! cancels. Not thread-safe; one reader at a time, on any thread. The device must outlive it.
class JsonInput
{
public:
    using Ch = char;
    using Progress = std::function<bool(qint64 done, qint64 total)>;

    explicit JsonInput(const QByteArray &bytes);
    //! device: open for reading, at its start.
    explicit JsonInput(QIODevice *device);
    ~JsonInput();
    JsonInput(const JsonInput &) = delete;
    JsonInput &operator=(const JsonInput &) = delete;

    void setProgress(Progress progress) { m_progress = std::move(progress); }

    Ch Peek() const { return *m_cur; }
    Ch Take()
    {
        const Ch c = *m_cur;
        if (++m_cur == m_end)
            refill();
        return c;
    }
    //! Bytes of the document (inflated) taken so far.
    std::size_t Tell() const { return m_before + std::size_t(m_cur - m_begin); }
    //! Whether every byte has been taken (a '\0' in the document is not its end).
    bool atEnd() const { return m_eof; }

    QString error() const { return m_error; }
    bool cancelled() const { return m_cancelled; }
    bool isGzip() const { return m_gzip != nullptr; }

    // RapidJSON's output half of the concept, never used for reading.
    Ch *PutBegin() { return nullptr; }
    void Put(Ch) { }
    void Flush() { }
    std::size_t PutEnd(Ch *) { return 0; }

private:
    struct Gzip;
    void start();
    void refill();
    // The next chunk into [m_begin, m_end); false at the end or on an error.
    bool fetch();
    bool fetchRaw(const char **data, qint64 *size);
    bool inflateChunk();
    bool reportProgress();

    const QByteArray m_bytes;
    QIODevice *const m_device = nullptr;
    qint64 m_consumed = 0; // of the source
    qint64 m_total = 0;
    std::unique_ptr<char[]> m_buffer;
    std::unique_ptr<char[]> m_raw;
    std::unique_ptr<Gzip> m_gzip;
    const char *m_begin = nullptr;
    const char *m_cur = nullptr;
    const char *m_end = nullptr;
    std::size_t m_before = 0;
    bool m_eof = false;
    bool m_cancelled = false;
    QString m_error;
    Progress m_progress;
    char m_sentinel = '\0';
};

} // namespace Loopscope
