namespace Microsoft.ML.Attention.Tokenization;

/// <summary>
/// Decodes generated ids one at a time into text pieces whose concatenation equals
/// <see cref="TextTokenizer.Decode"/> of all ids, never splitting a multi-byte character: while the text ends in an
/// incomplete UTF-8 sequence (decoded as U+FFFD), those characters are held back until later ids complete them or
/// <see cref="Flush"/> is called.
/// </summary>
/// <remarks>
/// Each <see cref="Append"/> re-decodes the whole sequence, so its cost grows with the sequence length; that is small
/// next to a model forward pass for generation lengths up to a few thousand tokens. Create with
/// <see cref="TextTokenizer.CreateStreamDecoder"/>; one instance per sequence, not thread-safe.
/// </remarks>
public sealed class TokenStreamDecoder
{
    private const char ReplacementCharacter = '\uFFFD';

    private readonly TextTokenizer _tokenizer;
    private readonly bool _skipSpecialTokens;
    private readonly List<int> _ids = [];
    private int _emittedLength;

    internal TokenStreamDecoder(TextTokenizer tokenizer, bool skipSpecialTokens)
    {
        _tokenizer = tokenizer;
        _skipSpecialTokens = skipSpecialTokens;
    }

    /// <summary>The ids appended so far.</summary>
    public IReadOnlyList<int> Ids => _ids;

    /// <summary>Adds the next id and returns the text it completes (possibly empty).</summary>
    /// <param name="id">A token id of the tokenizer.</param>
    /// <returns>New text.</returns>
    /// <exception cref="ArgumentException"><paramref name="id"/> is out of range.</exception>
    public string Append(int id)
    {
        _tokenizer.ValidateId(id, nameof(id));
        _ids.Add(id);
        string text = _tokenizer.Decode(_ids, _skipSpecialTokens);
        int complete = text.Length;
        while (complete > _emittedLength && text[complete - 1] == ReplacementCharacter)
        {
            complete--;
        }

        return Emit(text, complete);
    }

    /// <summary>Returns any held-back text (an incomplete character decodes as U+FFFD).</summary>
    /// <returns>The remaining text.</returns>
    public string Flush()
    {
        string text = _tokenizer.Decode(_ids, _skipSpecialTokens);
        return Emit(text, text.Length);
    }

    private string Emit(string text, int end)
    {
        if (end <= _emittedLength)
        {
            return string.Empty;
        }

        string piece = text[_emittedLength..end];
        _emittedLength = end;
        return piece;
    }
}
