namespace Microsoft.ML.Attention.Tests.QuestionAnswering;

public class SlidingWindowBaselineTests
{
    [Fact]
    public void Answers_are_the_context_text_at_the_offset_they_claim_on_real_paragraphs()
    {
        var examples = SquadReader.ReadExamples(TestData.Path("qa", "squad-v1.1", "dev-v1.1.json")).Take(300);
        Assert.All(examples, e =>
        {
            var (answer, start) = SlidingWindowBaseline.Predict(e.Context, e.Question);
            Assert.NotEmpty(answer);
            Assert.Equal(answer, e.Context.Substring(start, answer.Length));
        });
    }

    [Theory]
    // "The Eiffel Tower is in Paris": every question word is in the first sentence; "Paris" is the only candidate that
    // keeps them all in the window ("is" and "in" are function words).
    [InlineData("Where is the Eiffel Tower?", "Paris", 23)]
    // "was built": the second sentence; "1889" is its only candidate without a question word.
    [InlineData("When was the tower built?", "1889", 53)]
    public void The_candidate_whose_sentence_overlaps_the_question_most_wins(string question, string answer, int start)
    {
        const string context = "The Eiffel Tower is in Paris. The tower was built in 1889.";
        Assert.Equal((answer, start), SlidingWindowBaseline.Predict(context, question));
    }

    [Fact]
    public void A_context_without_words_gives_an_empty_answer()
    {
        Assert.Equal(("", 0), SlidingWindowBaseline.Predict("", "Who?"));
        Assert.Equal(("", 0), SlidingWindowBaseline.Predict("... !", "Who?"));
        Assert.Throws<ArgumentOutOfRangeException>(() => SlidingWindowBaseline.Predict("a b", "b?", maxAnswerWords: 0));
    }
}
