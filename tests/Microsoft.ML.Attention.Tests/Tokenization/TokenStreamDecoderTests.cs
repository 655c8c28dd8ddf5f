using Microsoft.ML.Attention.Tokenization;

namespace Microsoft.ML.Attention.Tests.Tokenization;

public class TokenStreamDecoderTests
{
    private const string Sample = "Hello, world! naïve ☃ 🙂 — done.\nNext line";

    public static TheoryData<TokenizerKind> Kinds => [TokenizerKind.Gpt2, TokenizerKind.WordPiece, TokenizerKind.Character, TokenizerKind.Llama2c];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Pieces_concatenate_to_the_full_decode_without_broken_characters(TokenizerKind kind)
    {
        TextTokenizer tokenizer = kind switch
        {
            TokenizerKind.Gpt2 => Gpt2TokenizerTests.Gpt2.Value,
            TokenizerKind.WordPiece => WordPieceTokenizerTests.BertUncased.Value,
            TokenizerKind.Character => TextTokenizer.CreateCharacter([Sample]),
            _ => Llama2cTokenizerTests.Tok512.Value,
        };
        int[] ids = [tokenizer.Special.Bos, .. tokenizer.Encode(Sample), tokenizer.Special.Eos];
        TokenStreamDecoder decoder = tokenizer.CreateStreamDecoder();

        string[] pieces = [.. ids.Select(decoder.Append)];

        Assert.Equal(tokenizer.Decode(ids), string.Concat(pieces) + decoder.Flush());
        Assert.DoesNotContain(pieces, piece => piece.Contains('\uFFFD'));
        Assert.Equal(ids, decoder.Ids);
    }

    [Fact]
    public void Append_rejects_an_id_outside_the_vocabulary()
    {
        TokenStreamDecoder decoder = TextTokenizer.CreateCharacter(["ab"]).CreateStreamDecoder();
        Assert.Equal("id", Assert.Throws<ArgumentException>(() => decoder.Append(7)).ParamName);
    }
}
