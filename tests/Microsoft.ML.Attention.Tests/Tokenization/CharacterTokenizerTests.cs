using Microsoft.ML.Attention.Tokenization;

namespace Microsoft.ML.Attention.Tests.Tokenization;

public class CharacterTokenizerTests
{
    [Fact]
    public void Ids_follow_code_point_order_with_specials_after_the_characters()
    {
        TextTokenizer tokenizer = TextTokenizer.CreateCharacter(["cab", null, "b a"]);
        Assert.Equal([1, 2, 3, 0, 2], tokenizer.Encode("abc b"));
        Assert.Equal(4, tokenizer.BaseVocabularySize);
        Assert.Equal(9, tokenizer.VocabularySize);
        Assert.Equal(new SpecialTokenIds(Pad: 4, Mask: 5, Bos: 6, Eos: 7, Unk: 8), tokenizer.Special);
    }

    [Fact]
    public void Vocabulary_does_not_depend_on_corpus_order()
    {
        TextTokenizer first = TextTokenizer.CreateCharacter(["hello", "world"]);
        TextTokenizer second = TextTokenizer.CreateCharacter(["dlrow", "olleh"]);
        Assert.Equal(first.Encode("hold"), second.Encode("hold"));
    }

    [Fact]
    public void Text_of_seen_characters_round_trips_including_surrogate_pairs()
    {
        const string text = "To be, or not 🙂 to be: 日本";
        TextTokenizer tokenizer = TextTokenizer.CreateCharacter([text]);
        int[] ids = tokenizer.Encode(text);
        Assert.Equal(text.Length - 1, ids.Length);
        Assert.Equal(text, tokenizer.Decode(ids));
    }

    [Fact]
    public void Unseen_character_encodes_to_unk()
    {
        TextTokenizer tokenizer = TextTokenizer.CreateCharacter(["ab"]);
        Assert.Equal([0, tokenizer.Special.Unk, 1], tokenizer.Encode("azb"));
        Assert.Equal("ab", tokenizer.Decode(tokenizer.Encode("azb")));
        Assert.Equal("a[UNK]b", tokenizer.Decode(tokenizer.Encode("azb"), skipSpecialTokens: false));
    }

    [Fact]
    public void Empty_corpus_is_rejected_naming_the_parameter()
    {
        var error = Assert.Throws<ArgumentException>(() => TextTokenizer.CreateCharacter([null, ""]));
        Assert.Equal("corpus", error.ParamName);
    }
}
