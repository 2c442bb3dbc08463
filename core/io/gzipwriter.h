#pragma once

#include <QIODevice>

#include <memory>

namespace Loopscope {

//! A write-only device that gzip-compresses what is written to it into another device (a gzip
//! file: header and trailer, what `gzip` and Perfetto read; not qCompress's zlib format).
//! finish() writes the end of the stream; without it the output is incomplete. Used by
//! writeFileAtomically for a path ending in `.gz`. Not thread-safe; the target must outlive it.
class GzipWriter : public QIODevice
{
public:
    //! level: zlib's 1 (fastest) .. 9 (smallest). 1 keeps a big trace's write fast and still
    //! makes trace JSON about 10x smaller.
    explicit GzipWriter(QIODevice *target, int level = 1);
    ~GzipWriter() override;

    //! Flushes and ends the gzip stream. False (errorString() says why) if the target failed.
    bool finish();

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *data, qint64 length) override;

private:
    struct Stream;
    bool deflateInto(int flush);

    QIODevice *const m_target;
    std::unique_ptr<Stream> m_stream;
};

} // namespace Loopscope
