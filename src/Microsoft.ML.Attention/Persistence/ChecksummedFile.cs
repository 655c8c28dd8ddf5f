using System.Security.Cryptography;
using System.Text;

namespace Microsoft.ML.Attention.Persistence;

/// <summary>
/// A file written whole or not at all and verified before it is parsed: the bytes go to <c>&lt;path&gt;.tmp</c>, followed by a trailer
/// (the body's length and SHA-256, hashed as in <see cref="StreamChecksums"/>), are flushed to disk, and the temporary file then
/// replaces <c>path</c> by a rename, so that a process killed while writing leaves the previous file as it was. Hand-written: the BCL
/// has no atomic, checksummed file.
/// </summary>
internal static class ChecksummedFile
{
    // *** File format ***
    // body bytes (written by the caller)
    // long: body length; 32 bytes: SHA-256 of the body
    private const int HashBytes = 32;
    private const int TrailerBytes = sizeof(long) + HashBytes;

    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/>, atomically (temporary file + rename).</summary>
    public static void Write(string path, Action<BinaryWriter> write)
    {
        string temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            long length;
            byte[] hash;
            using (var hashing = new HashingWriteStream(file))
            {
                using (var writer = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true))
                    write(writer);
                length = hashing.Length;
                hash = hashing.Hash();
            }
            using (var trailer = new BinaryWriter(file, Encoding.UTF8, leaveOpen: true))
            {
                trailer.Write(length);
                trailer.Write(hash);
            }
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Verifies the checksum of <paramref name="path"/>, then parses its body with <paramref name="read"/>.</summary>
    /// <exception cref="InvalidDataException">The file is shorter than its trailer, its body's checksum or length does not match, or the body does not parse.</exception>
    public static T Read<T>(string path, Func<BinaryReader, T> read)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (file.Length < TrailerBytes)
            throw Damaged(path, $"it is {file.Length} bytes, shorter than its {TrailerBytes}-byte checksum trailer");
        long length;
        byte[] hash;
        file.Seek(-TrailerBytes, SeekOrigin.End);
        using (var trailer = new BinaryReader(file, Encoding.UTF8, leaveOpen: true))
        {
            length = trailer.ReadInt64();
            hash = trailer.ReadBytes(HashBytes);
        }
        if (length != file.Length - TrailerBytes)
            throw Damaged(path, $"its trailer records a body of {length} bytes, but the file holds {file.Length - TrailerBytes}");
        file.Position = 0;
        var actual = StreamChecksums.HashOf(file, length);
        if (!CryptographicOperations.FixedTimeEquals(actual.Hash, hash))
            throw Damaged(path, "the SHA-256 of its content differs from the one recorded when it was written");
        file.Position = 0;
        using var reader = new BinaryReader(file, Encoding.UTF8, leaveOpen: true);
        try
        {
            return read(reader);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException or ArgumentException)
        {
            throw Damaged(path, e.Message, e);
        }
    }

    private static InvalidDataException Damaged(string path, string problem, Exception? inner = null) =>
        new($"The file '{path}' is damaged: {problem}. Delete it (or restore a good copy).", inner);
}
