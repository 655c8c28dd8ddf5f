using System.Text;

namespace Microsoft.ML.Attention.Tokenization;

/// <summary>
/// Character-level vocabulary: one id per distinct Unicode scalar value (<see cref="Rune"/>, so a surrogate pair is one
/// character) seen in a corpus, in ascending code-point order, then the added [PAD] [MASK] [BOS] [EOS] [UNK].
/// Hand-written: Microsoft.ML.Tokenizers has no character-level tokenizer, and a BPE or WordPiece over a character
/// vocabulary would not map unseen characters to one [UNK] per character. Unpaired surrogates encode as [UNK].
/// </summary>
internal sealed class CharacterBackend : TokenizerBackend
{
    private const string BosText = "[BOS]";
    private const string EosText = "[EOS]";
    private const int MaxCharacters = 0x110000;

    private readonly int[] _scalars;
    private readonly string[] _texts;
    private readonly Dictionary<int, int> _ids;

    private CharacterBackend(int[] scalars)
    {
        _scalars = scalars;
        _texts = new string[scalars.Length];
        _ids = new Dictionary<int, int>(scalars.Length);
        for (int id = 0; id < scalars.Length; id++)
        {
            _texts[id] = new Rune(scalars[id]).ToString();
            _ids.Add(scalars[id], id);
        }

        int n = scalars.Length;
        Special = new SpecialTokenIds(Pad: n, Mask: n + 1, Bos: n + 2, Eos: n + 3, Unk: n + 4);
    }

    /// <inheritdoc/>
    public override TokenizerKind Kind => TokenizerKind.Character;

    /// <inheritdoc/>
    public override int BaseVocabularySize => _scalars.Length;

    /// <inheritdoc/>
    public override int VocabularySize => _scalars.Length + 5;

    /// <inheritdoc/>
    public override SpecialTokenIds Special { get; }

    /// <summary>The vocabulary of every scalar value in <paramref name="corpus"/> (null entries are skipped).</summary>
    public static CharacterBackend Create(IEnumerable<string?> corpus)
    {
        var seen = new HashSet<int>();
        foreach (string? text in corpus)
        {
            int index = 0;
            while (index < (text?.Length ?? 0))
            {
                if (TryReadScalar(text!, ref index, out int scalar))
                {
                    seen.Add(scalar);
                }
            }
        }

        if (seen.Count == 0)
        {
            throw new ArgumentException("The corpus contains no characters: a character vocabulary needs at least one.", nameof(corpus));
        }

        int[] scalars = [.. seen];
        Array.Sort(scalars);
        return new CharacterBackend(scalars);
    }

    /// <summary>Reads what <see cref="WriteDefinition"/> wrote.</summary>
    public static CharacterBackend ReadDefinition(BinaryReader reader, string source)
    {
        int count = BinaryFormat.ReadInt32(reader, 1, MaxCharacters, "character count", source);
        var scalars = new int[count];
        for (int i = 0; i < count; i++)
        {
            scalars[i] = BinaryFormat.ReadInt32(reader, 0, MaxCharacters - 1, "character code point", source);
            if (!Rune.IsValid(scalars[i]) || (i > 0 && scalars[i] <= scalars[i - 1]))
            {
                throw new InvalidDataException($"{source}: character {i} is U+{scalars[i]:X4}; characters must be Unicode scalar values in strictly ascending order.");
            }
        }

        return new CharacterBackend(scalars);
    }

    /// <inheritdoc/>
    public override void WriteDefinition(BinaryWriter writer)
    {
        writer.Write(_scalars.Length);
        foreach (int scalar in _scalars)
        {
            writer.Write(scalar);
        }
    }

    /// <inheritdoc/>
    public override int[] Encode(string text)
    {
        var ids = new List<int>(text.Length);
        int index = 0;
        while (index < text.Length)
        {
            ids.Add(TryReadScalar(text, ref index, out int scalar) && _ids.TryGetValue(scalar, out int id) ? id : Special.Unk);
        }

        return [.. ids];
    }

    /// <inheritdoc/>
    public override TokenSpan[] EncodeWithOffsets(string text)
    {
        var spans = new List<TokenSpan>(text.Length);
        int index = 0;
        while (index < text.Length)
        {
            int start = index;
            int id = TryReadScalar(text, ref index, out int scalar) && _ids.TryGetValue(scalar, out int known) ? known : Special.Unk;
            spans.Add(new TokenSpan(id, start, index - start));
        }

        return [.. spans];
    }

    /// <inheritdoc/>
    public override string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens)
    {
        var text = new StringBuilder(ids.Count);
        foreach (int id in ids)
        {
            if (id < _texts.Length)
            {
                text.Append(_texts[id]);
            }
            else if (!skipSpecialTokens)
            {
                text.Append(SpecialText(id));
            }
        }

        return text.ToString();
    }

    // Reads the scalar value at index and moves past it; an unpaired surrogate is consumed as one invalid char.
    private static bool TryReadScalar(string text, ref int index, out int scalar)
    {
        bool valid = Rune.DecodeFromUtf16(text.AsSpan(index), out Rune rune, out int consumed) == System.Buffers.OperationStatus.Done;
        index += consumed;
        scalar = rune.Value;
        return valid;
    }

    private string SpecialText(int id) =>
        id == Special.Pad ? PadText
        : id == Special.Mask ? MaskText
        : id == Special.Bos ? BosText
        : id == Special.Eos ? EosText
        : UnkText;
}
