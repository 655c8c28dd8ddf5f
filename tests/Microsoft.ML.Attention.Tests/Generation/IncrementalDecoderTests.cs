using Microsoft.ML.Attention.Generation;

namespace Microsoft.ML.Attention.Tests.Generation;

public class IncrementalDecoderTests : IClassFixture<Stories260KFixture>
{
    private readonly Stories260KFixture _stories;

    public IncrementalDecoderTests(Stories260KFixture stories) => _stories = stories;

    [Fact]
    public void Multi_byte_characters_from_byte_tokens_are_never_split_across_pieces()
    {
        var tokenizer = _stories.Tokenizer;
        int[] ids = tokenizer.Encode("A cup ☕ and a café, naïve 🙂 end");
        Assert.Contains(ids, id => id >= 3 && id < 3 + 256); // byte-fallback tokens are present
        var decoder = new IncrementalDecoder(tokenizer, new[] { tokenizer.Special.Bos });

        var pieces = ids.Select(decoder.Push).Append(decoder.Flush()).ToList();

        Assert.DoesNotContain(pieces, p => p.Contains('\uFFFD'));
        Assert.Contains(pieces, p => p == "☕" || p.EndsWith('☕'));
        Assert.Equal(tokenizer.Decode(ids.Prepend(tokenizer.Special.Bos)), string.Concat(pieces));
    }

    [Fact]
    public void Continuation_after_a_prompt_keeps_the_space_between_prompt_and_new_text()
    {
        var tokenizer = _stories.Tokenizer;
        int[] prompt = tokenizer.Encode("Once upon").Prepend(tokenizer.Special.Bos).ToArray();
        int[] continuation = tokenizer.Encode("Once upon a time")[(prompt.Length - 1)..];
        var decoder = new IncrementalDecoder(tokenizer, prompt);

        string text = string.Concat(continuation.Select(decoder.Push)) + decoder.Flush();

        Assert.Equal(" a time", text);
    }
}
