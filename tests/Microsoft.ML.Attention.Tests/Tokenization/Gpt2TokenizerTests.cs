using Microsoft.ML.Attention.Tokenization;

namespace Microsoft.ML.Attention.Tests.Tokenization;

public class Gpt2TokenizerTests
{
    internal static readonly Lazy<TextTokenizer> Gpt2 = new(TextTokenizer.CreateGpt2);

    [Fact]
    public void Hello_world_encodes_to_the_published_gpt2_ids()
    {
        Assert.Equal([15496, 995], Gpt2.Value.Encode("Hello world"));
    }

    [Fact]
    public void Text_with_multibyte_characters_round_trips()
    {
        const string text = "naïve ☃ café, 日本語 and 🙂 emoji";
        Assert.Equal(text, Gpt2.Value.Decode(Gpt2.Value.Encode(text)));
    }

    [Fact]
    public void Endoftext_is_bos_and_eos_and_pad_mask_unk_are_added_after_it()
    {
        TextTokenizer tokenizer = Gpt2.Value;
        Assert.Equal(new SpecialTokenIds(Pad: 50257, Mask: 50258, Bos: 50256, Eos: 50256, Unk: 50259), tokenizer.Special);
        Assert.Equal(50257, tokenizer.BaseVocabularySize);
        Assert.Equal(50260, tokenizer.VocabularySize);
        Assert.Equal(TokenizerKind.Gpt2, tokenizer.Kind);
    }

    [Fact]
    public void Decode_skips_or_names_special_tokens()
    {
        TextTokenizer tokenizer = Gpt2.Value;
        int[] ids = [50256, 15496, 50258, 995, 50257];
        Assert.Equal("Hello world", tokenizer.Decode(ids));
        Assert.Equal("<|endoftext|>Hello[MASK] world[PAD]", tokenizer.Decode(ids, skipSpecialTokens: false));
    }

    [Fact]
    public void Null_or_empty_text_encodes_to_no_ids()
    {
        Assert.Empty(Gpt2.Value.Encode(null));
        Assert.Empty(Gpt2.Value.Encode(string.Empty));
    }

    [Fact]
    public void Decode_rejects_an_id_outside_the_vocabulary_naming_it()
    {
        var error = Assert.Throws<ArgumentException>(() => Gpt2.Value.Decode([15496, 50260]));
        Assert.Contains("50260", error.Message);
        Assert.Equal("ids", error.ParamName);
    }
}
