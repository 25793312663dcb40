global using Xunit;
global using EtcdPS.Tests.Infrastructure;
