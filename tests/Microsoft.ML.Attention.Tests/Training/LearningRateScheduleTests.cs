using Microsoft.ML.Attention.Training;

namespace Microsoft.ML.Attention.Tests.Training;

public class LearningRateScheduleTests
{
    [Fact]
    public void Warms_up_linearly_then_decays_by_cosine_to_the_minimum()
    {
        var schedule = new LearningRateSchedule(peak: 1e-3, warmupSteps: 10, totalSteps: 110, minimumFraction: 0.1);

        Assert.Equal(1e-4, schedule.At(0), 12);
        Assert.Equal(5e-4, schedule.At(4), 12);
        Assert.Equal(1e-3, schedule.At(9), 12);
        Assert.Equal(1e-3, schedule.At(10), 12);
        Assert.Equal(0.55e-3, schedule.At(60), 12);   // half-way: (peak + min) / 2
        Assert.Equal(1e-4, schedule.At(110), 12);
        Assert.Equal(1e-4, schedule.At(500), 12);
    }
}
