using System.Text;
using Microsoft.ML.Tokenizers;

namespace Microsoft.ML.Attention.Tokenization;

/// <summary>
/// A subword vocabulary learned from the training text by <see cref="BytePairEncodingTrainer"/>, encoded and decoded by
/// Microsoft.ML.Tokenizers' <see cref="SentencePieceTokenizer"/> over a BPE <c>ModelProto</c> written in memory
/// (<see cref="SentencePieceModelWriter"/>). Ids: 0 &lt;unk&gt;, 1 &lt;s&gt; = Bos, 2 &lt;/s&gt; = Eos, 3 [PAD], 4 [MASK] (control
/// pieces, never produced from text), 5..260 the byte pieces &lt;0x00&gt;..&lt;0xFF&gt;, then the learned pieces: characters, then
/// merges in the order learned. Nothing is added after the model's own ids.
/// </summary>
/// <remarks>
/// A learned piece's score is minus its index, so SentencePiece's BPE, which merges the adjacent pair whose merged piece scores
/// highest, applies earlier merges first, as the trainer learned them. A character outside the vocabulary falls back to its UTF-8
/// bytes, so every text encodes without loss and decodes back exactly (no normalization: a dummy-prefix space that decoding removes,
/// spaces kept as ' ', nothing collapsed).
/// </remarks>
internal sealed class SubwordBackend : TokenizerBackend
{
    /// <summary>Ids of the fixed pieces before the learned ones.</summary>
    public const int UnknownId = 0, BosId = 1, EosId = 2, PadId = 3, MaskId = 4, FirstByteId = 5, FirstLearnedId = FirstByteId + 256;

    /// <summary>Largest vocabulary: ids, fixed pieces included.</summary>
    public const int MaxVocabularySize = 1 << 20;

    private readonly string[] _learned;
    private readonly SentencePieceTokenizer _tokenizer;

    private SubwordBackend(string[] learned, string source)
    {
        _learned = learned;
        var pieces = new List<string> { "<unk>", "<s>", "</s>", PadText, MaskText };
        var types = new List<SentencePieceModelWriter.PieceType>
        {
            SentencePieceModelWriter.PieceType.Unknown,
            SentencePieceModelWriter.PieceType.Control,
            SentencePieceModelWriter.PieceType.Control,
            SentencePieceModelWriter.PieceType.Control,
            SentencePieceModelWriter.PieceType.Control,
        };
        for (int b = 0; b < 256; b++)
        {
            pieces.Add($"<0x{b:X2}>");
            types.Add(SentencePieceModelWriter.PieceType.Byte);
        }

        pieces.AddRange(learned);
        types.AddRange(learned.Select(_ => SentencePieceModelWriter.PieceType.Normal));
        var scores = pieces.Select((_, id) => id < FirstLearnedId ? 0f : -(float)(id - FirstLearnedId)).ToList();
        byte[] model = SentencePieceModelWriter.WriteBpeModel(pieces, scores, types, UnknownId, BosId, EosId);
        try
        {
            _tokenizer = SentencePieceTokenizer.Create(new MemoryStream(model, writable: false), addBeginningOfSentence: false, addEndOfSentence: false);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            throw new InvalidDataException($"{source}: Microsoft.ML.Tokenizers rejected the learned vocabulary: {e.Message}", e);
        }

        Special = new SpecialTokenIds(Pad: PadId, Mask: MaskId, Bos: BosId, Eos: EosId, Unk: UnknownId);
    }

    /// <inheritdoc/>
    public override TokenizerKind Kind => TokenizerKind.Subword;

    /// <inheritdoc/>
    public override int BaseVocabularySize => FirstLearnedId + _learned.Length;

    /// <inheritdoc/>
    public override int VocabularySize => BaseVocabularySize;

    /// <inheritdoc/>
    public override SpecialTokenIds Special { get; }

    /// <summary>Learns a vocabulary of <paramref name="vocabularySize"/> ids (fixed pieces included) from <paramref name="corpus"/>.</summary>
    public static SubwordBackend Train(IEnumerable<string?> corpus, int vocabularySize)
    {
        var learned = BytePairEncodingTrainer.Train(corpus, vocabularySize - FirstLearnedId);
        if (learned.Count == 0)
        {
            throw new ArgumentException("The corpus has no characters to learn a vocabulary from.", nameof(corpus));
        }

        return new SubwordBackend([.. learned], "trained subword vocabulary");
    }

    /// <summary>Reads what <see cref="WriteDefinition"/> wrote.</summary>
    public static SubwordBackend ReadDefinition(BinaryReader reader, string source)
    {
        int count = BinaryFormat.ReadInt32(reader, 1, MaxVocabularySize - FirstLearnedId, "learned piece count", source);
        var learned = new string[count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            learned[i] = Encoding.UTF8.GetString(BinaryFormat.ReadByteArray(reader, 1 << 16, "learned piece", source));
            if (learned[i].Length == 0 || !seen.Add(learned[i]))
            {
                throw new InvalidDataException($"{source}: learned piece {i} is empty or repeats an earlier piece.");
            }
        }

        return new SubwordBackend(learned, source);
    }

    /// <inheritdoc/>
    public override void WriteDefinition(BinaryWriter writer)
    {
        writer.Write(_learned.Length);
        foreach (var piece in _learned)
        {
            BinaryFormat.WriteByteArray(writer, Encoding.UTF8.GetBytes(piece));
        }
    }

    /// <inheritdoc/>
    public override int[] Encode(string text) =>
        [.. _tokenizer.EncodeToIds(ReplaceLoneSurrogates(text), addBeginningOfSentence: false, addEndOfSentence: false)];

    /// <inheritdoc/>
    public override TokenSpan[] EncodeWithOffsets(string text) => SentencePieceSpans(_tokenizer, ReplaceLoneSurrogates(text), "subword");

    /// <inheritdoc/>
    public override string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens) =>
        _tokenizer.Decode(skipSpecialTokens ? ids.Where(id => !Special.Contains(id)) : ids, considerSpecialTokens: !skipSpecialTokens);
}
