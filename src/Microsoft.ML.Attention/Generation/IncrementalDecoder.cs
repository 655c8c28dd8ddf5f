using Microsoft.ML.Attention.Tokenization;

namespace Microsoft.ML.Attention.Generation;

/// <summary>
/// Turns generated ids into text pieces as they arrive, without ever splitting a multi-byte character.
/// Each new id is decoded together with a few preceding ids (so that context-dependent rules, such as the
/// leading-space removal after a start token, see the same neighbours as in a full decode), and only the text
/// after the preceding ids' own decoding is output. While the decoded text ends in U+FFFD (an incomplete UTF-8
/// sequence), the id is held until the bytes that complete the character arrive.
/// </summary>
internal sealed class IncrementalDecoder
{
    private const int ContextIds = 4;
    private const char Replacement = '\uFFFD';

    private readonly TextTokenizer _tokenizer;
    private readonly List<int> _ids;
    private int _prefixOffset;
    private int _readOffset;

    /// <summary>Creates a decoder that continues after <paramref name="promptIds"/> (only its last few ids are kept as context).</summary>
    public IncrementalDecoder(TextTokenizer tokenizer, IReadOnlyList<int> promptIds)
    {
        _tokenizer = tokenizer;
        _ids = promptIds.Skip(Math.Max(0, promptIds.Count - ContextIds)).ToList();
        _readOffset = _ids.Count;
    }

    /// <summary>Adds a generated id; returns the text it completes (empty while a character is still incomplete).</summary>
    public string Push(int id)
    {
        _ids.Add(id);
        string prefix = Decode(_prefixOffset, _readOffset);
        string text = Decode(_prefixOffset, _ids.Count);
        if (text.Length <= prefix.Length || text[^1] == Replacement || !text.StartsWith(prefix, StringComparison.Ordinal))
        {
            return string.Empty;
        }

        _prefixOffset = _readOffset;
        _readOffset = _ids.Count;
        DropConsumedIds();
        return text[prefix.Length..];
    }

    /// <summary>Returns whatever held ids decode to at the end of generation (an incomplete character decodes to U+FFFD).</summary>
    public string Flush()
    {
        string prefix = Decode(_prefixOffset, _readOffset);
        string text = Decode(_prefixOffset, _ids.Count);
        _prefixOffset = _readOffset = _ids.Count;
        return text.StartsWith(prefix, StringComparison.Ordinal) ? text[prefix.Length..] : text;
    }

    private string Decode(int start, int end) => _tokenizer.Decode(_ids.Skip(start).Take(end - start));

    // Keeps memory flat over long generations: ids before the prefix window are never decoded again.
    private void DropConsumedIds()
    {
        _ids.RemoveRange(0, _prefixOffset);
        _readOffset -= _prefixOffset;
        _prefixOffset = 0;
    }
}
