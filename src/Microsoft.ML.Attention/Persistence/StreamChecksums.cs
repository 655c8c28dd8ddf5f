using System.Security.Cryptography;
using System.Text;
using Microsoft.ML;

namespace Microsoft.ML.Attention.Persistence;

/// <summary>
/// SHA-256 checksums (the BCL's <see cref="IncrementalHash"/>) of every stream the transformer writes into an ML.NET model, kept in
/// the stream <see cref="StreamName"/> and verified on load before anything is parsed, so that a damaged <c>.zip</c> whose bytes
/// still parse (a flipped bit in the weights) fails with a clear error instead of loading different weights. The zip's own CRC does
/// not cover this: ML.NET's repository reader does not reject every damaged entry. Hand-written: ML.NET has no per-stream checksum.
/// </summary>
internal sealed class StreamChecksums
{
    // *** Binary format (stream Checksums.bin) ***
    // int: entry count
    // per entry: string: stream name; long: byte length; 32 bytes: SHA-256 of the stream's bytes
    public const string StreamName = "Checksums.bin";
    private const int HashBytes = 32;
    private const int MaxEntries = 1024;

    private readonly List<(string Name, long Length, byte[] Hash)> _entries = [];

    /// <summary>Writes the stream <paramref name="name"/> with <paramref name="write"/> and records its checksum.</summary>
    public void SaveStream(ModelSaveContext ctx, string name, Action<BinaryWriter> write) => ctx.SaveBinaryStream(name, writer =>
    {
        using var hashing = new HashingWriteStream(writer.BaseStream);
        using (var inner = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true))
            write(inner);
        _entries.Add((name, hashing.Length, hashing.Hash()));
    });

    /// <summary>Records the checksum of values written outside a stream (the model header's fields), under <paramref name="name"/>.</summary>
    public void AddValues(string name, byte[] bytes) => _entries.Add((name, bytes.Length, SHA256.HashData(bytes)));

    /// <summary>Writes <see cref="StreamName"/>; call after every checksummed stream was saved.</summary>
    public void Save(ModelSaveContext ctx) => ctx.SaveBinaryStream(StreamName, writer =>
    {
        writer.Write(_entries.Count);
        foreach (var (name, length, hash) in _entries)
        {
            writer.Write(name);
            writer.Write(length);
            writer.Write(hash);
        }
    });

    /// <summary>
    /// Verifies every checksum recorded in <see cref="StreamName"/> against the streams' bytes (and <paramref name="values"/>, the
    /// entries recorded with <see cref="AddValues"/>). Without <see cref="StreamName"/>: fine for models written before checksums
    /// (<paramref name="required"/> false), an error otherwise.
    /// </summary>
    /// <returns>Whether the model had checksums.</returns>
    /// <exception cref="InvalidDataException">A stream or value does not match its checksum, or the checksums are missing or unreadable.</exception>
    public static bool Verify(ModelLoadContext ctx, IReadOnlyDictionary<string, byte[]> values, bool required)
    {
        List<(string Name, long Length, byte[] Hash)>? entries = null;
        try
        {
            ctx.TryLoadBinaryStream(StreamName, reader => entries = Read(reader));
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException or ArgumentException)
        {
            throw new InvalidDataException($"The saved model's {StreamName} stream is unreadable: {e.Message}. The file was damaged after it was saved.", e);
        }
        if (entries is null)
        {
            if (required)
                throw new InvalidDataException($"The saved model has no {StreamName} stream, which its format version requires. The file was altered after it was saved.");
            return false;
        }
        foreach (var (name, length, hash) in entries)
        {
            (long Length, byte[] Hash)? actual = values.TryGetValue(name, out byte[]? bytes) ? (bytes.Length, SHA256.HashData(bytes)) : null;
            if (actual is null)
                ctx.TryLoadBinaryStream(name, reader => actual = HashOf(reader.BaseStream));
            if (actual is null)
                throw new InvalidDataException($"The saved model has no {name} stream, though {StreamName} lists it. The file was altered after it was saved.");
            if (actual.Value.Length != length || !CryptographicOperations.FixedTimeEquals(actual.Value.Hash, hash))
            {
                throw new InvalidDataException(
                    $"The saved model's {name} stream is damaged: {actual.Value.Length} bytes whose SHA-256 differs from the one recorded when it was saved ({length} bytes). Restore the file from a good copy.");
            }
        }
        return true;
    }

    private static List<(string, long, byte[])> Read(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count < 0 || count > MaxEntries)
            throw new FormatException($"it claims {count} entries");
        var entries = new List<(string, long, byte[])>(count);
        for (int i = 0; i < count; i++)
        {
            string name = reader.ReadString();
            long length = reader.ReadInt64();
            byte[] hash = reader.ReadBytes(HashBytes);
            if (hash.Length != HashBytes)
                throw new EndOfStreamException($"entry {i} ('{name}') is cut short");
            entries.Add((name, length, hash));
        }
        return entries;
    }

    /// <summary>The length and SHA-256 of the next <paramref name="count"/> bytes of <paramref name="stream"/> (or of the rest of it, when shorter).</summary>
    internal static (long Length, byte[] Hash) HashOf(Stream stream, long count = long.MaxValue)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        long length = 0;
        int read;
        while (length < count && (read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, count - length))) > 0)
        {
            hash.AppendData(buffer, 0, read);
            length += read;
        }
        return (length, hash.GetHashAndReset());
    }
}
